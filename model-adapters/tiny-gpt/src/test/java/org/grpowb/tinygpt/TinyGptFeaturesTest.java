package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * features() sees what the last layer sees: the probabilities it returns are the ones score() takes logs of, and its
 * hidden states are the unembedding's inputs. Also the untied variant ({@code tied: false}, a separate lm_head).
 */
class TinyGptFeaturesTest {

    private static NDManager base;
    /** Prompts and completions of different lengths, one completion empty, so padding is exercised on both sides. */
    private static final List<int[]> PROMPTS = TestModels.encode("ab", "hello", "x", "q");
    private static final List<int[]> COMPLETIONS = List.of(TestModels.withEos("cde"), TestModels.withEos("!"),
            TestModels.withEos("yz12"), new int[0]);

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

    private static TinyGpt untied(long seed) {
        return TestModels.model(base, seed, Map.of("layers", 1, "width", 8, "heads", 2, "context", 16,
                "dtype", "float64", "init_std", 0.3, "tied", false));
    }

    @Test
    void probsAtTheCompletionTokensGiveScoresLogProbs() {
        try (TinyGpt tied = TestModels.float64(base, 5, 0.3); TinyGpt untied = untied(5);
             TinyGpt single = TestModels.model(base, 5, Map.of("width", 16, "init_std", 0.3))) {
            for (TinyGpt model : List.of(tied, untied, single)) {
                double tolerance = model.config().dtype() == ai.djl.ndarray.types.DataType.FLOAT64 ? 1e-12 : 1e-5;
                try (NDManager m = base.newSubManager()) {
                    TokenScores scores = model.score(m, PROMPTS, COMPLETIONS);
                    TokenFeatures f = model.features(m, PROMPTS, COMPLETIONS).orElseThrow();
                    int rows = PROMPTS.size();
                    int steps = 5;
                    int d = model.config().width();
                    int v = model.config().vocabSize();
                    assertEquals(new Shape(rows, steps, d), f.hidden().getShape());
                    assertEquals(new Shape(rows, steps, v), f.probs().getShape());
                    assertArrayEquals(TestModels.values(scores.mask()), TestModels.values(f.mask()));
                    double[] logProbs = TestModels.values(scores.logProbs());
                    double[] probs = TestModels.values(f.probs());
                    double[] hidden = TestModels.values(f.hidden());
                    for (int r = 0; r < rows; r++) {
                        int[] c = COMPLETIONS.get(r);
                        for (int t = 0; t < steps; t++) {
                            int at = r * steps + t;
                            double total = 0;
                            for (int k = 0; k < v; k++) {
                                total += probs[at * v + k];
                            }
                            if (t < c.length) {
                                assertEquals(logProbs[at], Math.log(probs[at * v + c[t]]), tolerance,
                                        model.describe() + " row " + r + " token " + t);
                                assertEquals(1.0, total, tolerance);
                            } else {
                                assertEquals(0.0, total, 0.0, "padding is zero");
                                for (int k = 0; k < d; k++) {
                                    assertEquals(0.0, hidden[at * d + k], 0.0, "padding is zero");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** softmax(h · Wᵀ) = probs with W the unembedding: tok_emb when tied, lm_head when not. */
    @Test
    void hiddenStatesAreTheUnembeddingsInputs() {
        try (TinyGpt tied = TestModels.float64(base, 6, 0.3); TinyGpt untied = untied(6); NDManager m = base.newSubManager()) {
            for (TinyGpt model : List.of(tied, untied)) {
                NDArray unembed = model.parameters().get(model.config().tied() ? "tok_emb" : "lm_head").stopGradient();
                TokenFeatures f = model.features(m, PROMPTS, COMPLETIONS).orElseThrow();
                NDArray again = f.hidden().matMul(unembed.transpose()).softmax(-1).mul(f.mask().expandDims(-1));
                double[] expected = TestModels.values(f.probs());
                double[] actual = TestModels.values(again);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-12);
                }
            }
            // the two models share every weight but the unembedding, so their distributions differ
            double[] a = TestModels.values(tied.features(m, PROMPTS, COMPLETIONS).orElseThrow().probs());
            double[] b = TestModels.values(untied.features(m, PROMPTS, COMPLETIONS).orElseThrow().probs());
            assertFalse(java.util.Arrays.equals(a, b));
        }
    }

    @Test
    void featuresRecordNothingOnTheTape() {
        try (TinyGpt model = untied(7); NDManager m = base.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            TokenFeatures f = model.features(m, PROMPTS, COMPLETIONS).orElseThrow();
            assertFalse(f.hidden().hasGradient());
            assertFalse(f.probs().hasGradient());
            assertFalse(f.hidden().getManager() == null || f.hidden().isReleased());
        }
    }

    @Test
    void anEmptyBatchHasEmptyFeatures() {
        try (TinyGpt model = untied(8); NDManager m = base.newSubManager()) {
            TokenFeatures f = model.features(m, TestModels.encode("a"), List.of(new int[0])).orElseThrow();
            assertEquals(new Shape(1, 0, 8), f.hidden().getShape());
            assertEquals(new Shape(1, 0, 97), f.probs().getShape());
        }
    }

    @Test
    void untiedAddsLmHeadLastAndKeepsEveryOtherWeightOfTheSeed() {
        try (TinyGpt tied = TestModels.float64(base, 9, 0.3); TinyGpt untied = untied(9)) {
            List<String> names = List.copyOf(untied.parameters().keySet());
            assertEquals("lm_head", names.get(names.size() - 1));
            assertEquals(List.copyOf(tied.parameters().keySet()), names.subList(0, names.size() - 1));
            assertEquals(new Shape(97, 8), untied.parameters().get("lm_head").getShape());
            assertTrue(untied.parameters().get("lm_head").hasGradient());
            for (String name : tied.parameters().keySet()) {
                assertArrayEquals(tied.parameters().get(name).toDoubleArray(), untied.parameters().get(name).toDoubleArray(), name);
            }
            assertEquals(tied.config().parameterCount() + 97 * 8, untied.config().parameterCount());
            assertTrue(untied.describe().contains("untied"), untied.describe());
            assertFalse(tied.describe().contains("untied"), tied.describe());
        }
    }

    @Test
    void untiedCheckpointsRoundTripAndDoNotLoadIntoTiedModels() throws IOException {
        try (TinyGpt untied = untied(10); TinyGpt tied = TestModels.float64(base, 10, 0.3); NDManager m = base.newSubManager()) {
            Path dir = tmp.resolve("untied");
            untied.save(dir);
            try (TinyGpt restored = TinyGpt.restore(base, dir)) {
                assertFalse(restored.config().tied());
                assertArrayEquals(TestModels.values(untied.score(m, PROMPTS, COMPLETIONS).logProbs()),
                        TestModels.values(restored.score(m, PROMPTS, COMPLETIONS).logProbs()));
            }
            IOException e = assertThrows(IOException.class, () -> tied.load(dir));
            assertTrue(e.getMessage().contains("untied"), e.getMessage());
        }
    }

    /** Checkpoints written before the setting existed have no {@code tied} key; they were all tied. */
    @Test
    void checkpointsWithoutTheKeyAreTied() throws IOException {
        try (TinyGpt tied = TestModels.float64(base, 11, 0.3)) {
            Path dir = tmp.resolve("old");
            tied.save(dir);
            Path properties = dir.resolve(Checkpoint.CONFIG_FILE);
            List<String> lines = Files.readAllLines(properties);
            assertTrue(lines.remove("tied=true"), lines.toString());
            Files.write(properties, lines);
            try (TinyGpt restored = TinyGpt.restore(base, dir)) {
                assertTrue(restored.config().tied());
            }
        }
    }
}
