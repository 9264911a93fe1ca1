package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.grpowb.api.PluginApi;
import org.grpowb.core.plugin.python.PythonSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grpowb plugins add|list|try|remove} and {@code train --trust-plugins} with the repository's three example
 * plugins (plugins/examples): a Maven-built jar, a single Java file and a Python file in TRL's signature.
 */
class PluginsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("../../plugins/examples").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    private static Path project;
    private static String trustBefore;

    @BeforeAll
    static void tinyProject() throws IOException {
        trustBefore = System.getProperty("grpowb.trust.file");
        System.setProperty("grpowb.trust.file", dir.resolve("trusted-plugins").toString());
        project = dir.resolve("tiny");
        Files.createDirectories(project);
        Files.write(project.resolve("data.jsonl"), AdditionData.lines(60, 4, 10));
        Files.writeString(project.resolve("project.yaml"), """
                name: tiny
                data: {file: data.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 32, heads: 2, context: 12}}
                variant: {name: grpo}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                  - {name: no_repeat, weight: 0.1}
                training: {steps: 2, prompts_per_step: 4, group_size: 4, max_new_tokens: 3, eval_every: 0, eval_examples: 4, checkpoint_every: 2}
                """);
    }

    @AfterAll
    static void restoreTrustFile() {
        if (trustBefore == null) {
            System.clearProperty("grpowb.trust.file");
        } else {
            System.setProperty("grpowb.trust.file", trustBefore);
        }
    }

    @Test
    void aSingleJavaFileIsAddedTrustedTriedAndTrainedWith() throws Exception {
        Path p = copyProject("java");
        CliTest.Result added = CliTest.run("plugins", "add", p.toString(),
                EXAMPLES.resolve("single-file/NoRepeatReward.java").toString());
        assertEquals(0, added.code(), added.err());
        assertTrue(added.out().contains("NoRepeatReward.java") && added.out().contains("untrusted"), added.out());

        CliTest.Result refused = CliTest.run("train", p.toString(), "--steps", "1", "--json");
        assertEquals(TrainCommand.EXIT_UNTRUSTED, refused.code());
        assertTrue(refused.err().contains("untrusted: " + p.resolve("plugins/NoRepeatReward.java")), refused.err());

        CliTest.Result trained = CliTest.run("train", p.toString(), "--steps", "1", "--json", "--trust-plugins");
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.err().contains("trusted:   " + p.resolve("plugins/NoRepeatReward.java")), trained.err());

        // "a b a b" repeats one of its three word pairs: 1 − 1/3
        CliTest.Result tried = CliTest.run("plugins", "try", p.toString(), "NoRepeatReward.java", "--completion",
                "a b a b", "--example", "p12", "--json");
        assertEquals(0, tried.code(), tried.err());
        JsonNode o = JSON.readTree(tried.out()).get("outcomes").get(0);
        assertEquals(2.0 / 3, o.get("scores").get("no_repeat").asDouble(), 1e-12);
        assertEquals("p12", o.get("example").asText());

        JsonNode listed = JSON.readTree(CliTest.run("plugins", "list", p.toString(), "--json").out());
        assertEquals("loaded", listed.get(0).get("state").asText());
        assertEquals("java", listed.get(0).get("kind").asText());
        assertEquals("no_repeat", listed.get(0).get("provides").get("RewardFunction").get(0).asText());

        assertEquals(0, CliTest.run("plugins", "remove", p.toString(), "NoRepeatReward.java").code());
        assertFalse(Files.exists(p.resolve("plugins/NoRepeatReward.java")));
    }

    @Test
    void aJavaFileThatDoesNotCompileIsListedWithItsLocatedErrors() throws Exception {
        Path p = copyProject("broken");
        Path src = dir.resolve("Broken.java");
        Files.writeString(src, Files.readString(EXAMPLES.resolve("single-file/NoRepeatReward.java"))
                .replace("public class NoRepeatReward", "public class Broken")
                .replace("int repeated = 0;", "int repeated = \"none\";"));
        CliTest.Result added = CliTest.run("plugins", "add", p.toString(), src.toString(), "--trust");
        assertEquals(1, added.code(), added.out());
        int line = lineOf(src, "int repeated");
        assertTrue(added.out().contains("failed") && added.out().contains(p.resolve("plugins/Broken.java") + ":" + line
                + ":"), added.out());
    }

    @Test
    void thePythonExampleScoresStoredRolloutsOfAStep() throws Exception {
        assumeTrue(PythonSettings.available("python3"), "needs python3");
        Path p = copyProject("python");
        Files.writeString(p.resolve("project.yaml"), Files.readString(p.resolve("project.yaml"))
                .replace("{name: no_repeat, weight: 0.1}", "{name: exact_number, weight: 0.5}"));
        assertEquals(0, CliTest.run("plugins", "add", p.toString(),
                EXAMPLES.resolve("python/trl_rewards.py").toString(), "--trust").code());
        Path store = dir.resolve("python.db");
        CliTest.Result trained = CliTest.run("train", p.toString(), "--steps", "1", "--json", "--store", store.toString());
        assertEquals(0, trained.code(), trained.err());

        CliTest.Result tried = CliTest.run("plugins", "try", p.toString(), "trl_rewards.py", "--store",
                store.toString(), "--run", "1", "--step", "1", "--json");
        assertEquals(0, tried.code(), tried.err());
        JsonNode outcomes = JSON.readTree(tried.out()).get("outcomes");
        assertEquals(16, outcomes.size());
        for (JsonNode o : outcomes) {
            String completion = o.get("completion").asText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+").matcher(completion);
            String answer = answerOf(o.get("example").asText());
            assertEquals(m.find() && m.group().equals(answer) ? 1.0 : 0.0,
                    o.get("scores").get("exact_number").asDouble(), completion + " vs " + answer);
            int extraWords = Math.max(0, completion.strip().split("\\s+").length - 8);
            assertEquals(Math.max(-1, -0.1 * extraWords), o.get("scores").get("brevity").asDouble(), 1e-12);
        }
    }

    @Test
    void theMavenBuiltExampleJarCarriesItsApiVersionAndLoads() throws Exception {
        Path jar = exampleJar();
        Path p = copyProject("jar");
        Files.writeString(p.resolve("project.yaml"), Files.readString(p.resolve("project.yaml"))
                .replace("{name: no_repeat, weight: 0.1}", "{name: within_length, weight: 0.1}"));
        CliTest.Result added = CliTest.run("plugins", "add", p.toString(), jar.toString(), "--trust");
        assertEquals(0, added.code(), added.out());
        assertTrue(added.out().contains("loaded") && added.out().contains("within_length"), added.out());
        // 13 characters against the default budget of 12: 2 − 13/12
        CliTest.Result tried = CliTest.run("plugins", "try", p.toString(), "within_length", "--completion",
                "1234567890123", "--example", "p3", "--json");
        assertEquals(0, tried.code(), tried.err());
        assertEquals(11.0 / 12, JSON.readTree(tried.out()).get("outcomes").get(0).get("scores").get("within_length")
                .asDouble(), 1e-12);
    }

    /**
     * The example module's jar as Maven packaged it (mvn verify builds it before this module); under a plain
     * {@code mvn test}, its compiled classes packed here with the manifest attribute its pom declares.
     */
    private static Path exampleJar() throws IOException {
        Path module = EXAMPLES.resolve("length-reward/target");
        if (Files.isDirectory(module)) {
            try (Stream<Path> s = Files.list(module)) {
                List<Path> jars = s.filter(f -> f.getFileName().toString().matches(
                        "grpowb-example-length-reward-.*(?<!-sources|-tests)\\.jar")).toList();
                if (!jars.isEmpty()) {
                    return jars.get(0);
                }
            }
        }
        Path classes = module.resolve("classes");
        assumeTrue(Files.isDirectory(classes), "build plugins/examples/length-reward first");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name(PluginApi.MANIFEST_ATTRIBUTE),
                String.valueOf(PluginApi.VERSION));
        Path jar = dir.resolve("length-reward.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }

    private static Path copyProject(String name) throws IOException {
        Path to = dir.resolve(name);
        Files.createDirectories(to);
        Files.copy(project.resolve("data.jsonl"), to.resolve("data.jsonl"));
        Files.copy(project.resolve("project.yaml"), to.resolve("project.yaml"));
        return to;
    }

    private static String answerOf(String id) throws IOException {
        for (String l : Files.readAllLines(project.resolve("data.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if (n.get("id").asText().equals(id)) {
                return n.get("answer").asText();
            }
        }
        throw new AssertionError("no example " + id);
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
