package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run records its starting model by the content of its files. */
class ModelIdentityTest {

    @TempDir
    Path dir;

    @Test
    void eachFileOfTheFolderIsHashedSubfoldersAreNot() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "abc");
        Files.createDirectories(model.resolve("nested"));
        Files.writeString(model.resolve("nested/ignored.bin"), "x");
        ObjectNode id = ModelIdentity.of(model);
        assertEquals(List.of("config.json"), names(id));
        // SHA-256("abc"), FIPS 180-2's first example
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                id.path("config.json").path("sha256").asText());
        assertEquals(3, id.path("config.json").path("bytes").asLong());
        assertEquals(0, ModelIdentity.of(null).size());
    }

    @Test
    void aRunStoresTheHashesOfItsStartingModel() throws Exception {
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(1, "eval_every: 100")), Map.of());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            long run = new TrainingRun(p, store, e -> { }).start().runId();
            JsonNode identity = new ObjectMapper().readTree(store.run(run).orElseThrow().configJson())
                    .path("model").path("identity");
            List<Path> files;
            try (var s = Files.list(p.model().init())) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            assertEquals(files.size(), identity.size(), identity.toString());
            for (Path f : files) {
                String expected = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
                assertEquals(expected, identity.path(f.getFileName().toString()).path("sha256").asText(), f.toString());
            }
        }
    }

    private static List<String> names(ObjectNode o) {
        List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
