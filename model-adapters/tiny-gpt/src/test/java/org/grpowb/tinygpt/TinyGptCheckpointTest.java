package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyGptCheckpointTest {

    private static NDManager base;
    private static final List<int[]> PROMPTS = TestModels.encode("ab", "hello");
    private static final List<int[]> COMPLETIONS = List.of(TestModels.withEos("cd"), TestModels.withEos("w"));

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    private static float[] logProbs(PolicyModel model) {
        try (NDManager m = base.newSubManager()) {
            return model.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray();
        }
    }

    @Test
    void factoryIsFoundByNameAndRestoresTheSavedArchitecture() throws IOException {
        PolicyModelFactory factory = ServiceLoader.load(PolicyModelFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("tiny-gpt")).findFirst().orElseThrow();
        Map<String, Object> given = Map.of("layers", 1, "width", 16, "heads", 2, "context", 12);
        try (PolicyModel model = factory.create(base, Settings.resolve(factory.settings(), given, "test"), 4)) {
            Path dir = tmp.resolve("checkpoints/step-1");
            model.save(dir);
            assertTrue(Files.isRegularFile(dir.resolve("model.properties")));
            try (PolicyModel restored = factory.load(base, dir)) {
                assertEquals(model.describe(), restored.describe());
                assertEquals(12, restored.contextLength());
                assertArrayEquals(logProbs(model), logProbs(restored));
            }
            // saving again over the same directory replaces its files
            model.save(dir);
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(2, files.count(), "no staging files left behind");
            }
        }
    }

    @Test
    void loadReplacesWeightsInPlace() throws IOException {
        try (TinyGpt a = TestModels.model(base, 1, Map.of("width", 16)); TinyGpt b = TestModels.model(base, 2, Map.of("width", 16))) {
            assertFalse(java.util.Arrays.equals(logProbs(a), logProbs(b)));
            a.save(tmp.resolve("a"));
            NDArray tokEmb = b.parameters().get("tok_emb");
            b.load(tmp.resolve("a"));
            assertArrayEquals(logProbs(a), logProbs(b));
            assertTrue(tokEmb == b.parameters().get("tok_emb") && tokEmb.hasGradient(), "same array, still trainable");
            try (NDManager m = base.newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.zeroGradients();
                collector.backward(b.score(m, PROMPTS, COMPLETIONS).logProbs().sum());
            }
            try (NDArray g = tokEmb.getGradient()) {
                assertTrue(g.abs().sum().getFloat() > 0, "gradients still reach the loaded array");
            }
        }
    }

    @Test
    void copyIsIndependent() {
        try (TinyGpt model = TestModels.model(base, 1, Map.of("width", 16))) {
            float[] before = logProbs(model);
            try (TinyGpt copy = model.copy()) {
                assertArrayEquals(before, logProbs(copy));
                model.parameters().get("lnf.b").addi(0.5f);
                assertArrayEquals(before, logProbs(copy));
                assertNotEquals(before[0], logProbs(model)[0]);
                assertTrue(copy.parameters().get("tok_emb").hasGradient());
            }
            assertNotEquals(before[0], logProbs(model)[0], "closing the copy leaves the original alive");
        }
    }

    @Test
    void missingOrMismatchedDirectoriesAreNamed() throws IOException {
        Path missing = tmp.resolve("nowhere");
        IOException e = assertThrows(IOException.class, () -> new TinyGptFactory().load(base, missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        try (TinyGpt small = TestModels.model(base, 1, Map.of("width", 16)); TinyGpt wide = TestModels.model(base, 1, Map.of())) {
            small.save(tmp.resolve("small"));
            IOException mismatch = assertThrows(IOException.class, () -> wide.load(tmp.resolve("small")));
            assertTrue(mismatch.getMessage().contains("2x16") && mismatch.getMessage().contains("2x64"), mismatch.getMessage());
        }
        Files.createDirectories(tmp.resolve("empty"));
        IOException empty = assertThrows(IOException.class, () -> new TinyGptFactory().load(base, tmp.resolve("empty")));
        assertTrue(empty.getMessage().contains("model.properties"), empty.getMessage());
    }

    @Test
    void badSettingsAreRefused() {
        TinyGptFactory factory = new TinyGptFactory();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory.create(base, new Settings(Map.of("width", 10, "heads", 4)), 0));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> factory.create(base, new Settings(Map.of("dtype", "float16")), 0));
        try (PolicyModel defaults = factory.create(base, Settings.empty(), 0)) {
            assertEquals(32, defaults.contextLength());
        }
    }
}
