package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed app's command line on a bundled sample: the installation stays untouched, and every command works on
 * the user's copy in the projects folder, the same copy each time.
 */
class InstalledSampleTest {

    private static final Map<String, String> PROPERTIES = Map.of("grpowb.home", "", "grpowb.installed", "",
            "grpowb.projects.dir", "", "grpowb.user.dir", "");

    @TempDir
    Path dir;

    @AfterEach
    void forgetTheInstallation() {
        PROPERTIES.keySet().forEach(System::clearProperty);
    }

    @Test
    void trainingAnInstalledSampleTrainsTheUsersCopyAndLeavesTheInstallationAlone() throws IOException {
        Path app = dir.resolve("opt/grpowb/lib/app");
        Path sample = app.resolve("sample-projects/tiny");
        Files.createDirectories(sample);
        Files.write(sample.resolve("data.jsonl"), AdditionData.lines(40, 4, 20));
        Files.writeString(sample.resolve("project.yaml"), """
                name: tiny
                data: {file: data.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 16, heads: 2, context: 12}}
                variant: {name: grpo}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                training: {steps: 1, prompts_per_step: 2, group_size: 2, max_new_tokens: 3}
                """);
        java.util.List<Path> installed = listing(app);
        System.setProperty("grpowb.home", app.toString());
        System.setProperty("grpowb.installed", "true");
        System.setProperty("grpowb.projects.dir", dir.resolve("home/GrpoWorkbenchProjects").toString());
        System.setProperty("grpowb.user.dir", dir.resolve("home/.config/grpowb").toString());

        CliTest.Result first = CliTest.run("train", sample.toString(), "--json");
        assertEquals(0, first.code(), first.err());
        Path copy = dir.resolve("home/GrpoWorkbenchProjects/tiny");
        assertTrue(first.err().contains("is part of the installation; using your copy " + copy), first.err());
        assertTrue(Files.isRegularFile(copy.resolve("runs/runs.db")), "the run is stored in the user's copy");
        assertEquals(installed, listing(app), "nothing was written inside the installation");

        CliTest.Result again = CliTest.run("train", sample.resolve("project.yaml").toString(), "--json");
        assertEquals(0, again.code(), again.err());
        assertEquals(2, doneLine(again).path("run_id").asLong(), "the second run lands in the same copy's store");
        assertEquals(installed, listing(app));
        assertFalse(Files.exists(sample.resolve("runs")));
    }

    private static java.util.List<Path> listing(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

    private static JsonNode doneLine(CliTest.Result r) throws IOException {
        String[] lines = r.out().strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
