package org.grpowb.core.plugin;

import static org.grpowb.core.plugin.PluginProjects.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.grpowb.core.plugin.PluginStatus.State;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin manager shows of each file (loaded, untrusted, disabled, failed, with what it provides and why not),
 * the project's list of disabled files, and a file's plugins registered all together or not at all.
 */
class PluginStatusTest {

    @TempDir
    Path dir;

    private Path project;
    private PluginTrust trust;

    @BeforeEach
    void aProject() {
        project = dir.resolve("p");
        trust = new PluginTrust(dir.resolve("trusted-plugins"));
    }

    private PluginRegistry registry() {
        return PluginProjects.registry(project, trust, dir.resolve("cache"));
    }

    private void trustAll() {
        PluginRegistry.files(project).forEach(trust::trust);
    }

    @Test
    void everyFileHasAStatusByFileName() throws Exception {
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/a-short.jar"), "short_answer", 3, "");
        PluginProjects.write(project, "Broken.java", "public class Broken implements org.grpowb.api.Nothing { }\n");
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/off.jar"), "switched_off", 3, "");
        trustAll();
        PluginProjects.write(project, "Later.java", PluginProjects.rewardSource("Later", "later"));
        PluginProjects.write(project, ".Later.java.swp", "an editor's");
        PluginProjects.write(project, "notes.txt", "not a plugin");
        PluginRegistry.setDisabled(project, "off.jar", true);

        try (PluginRegistry r = registry()) {
            assertEquals(List.of("Broken.java", "Later.java", "a-short.jar", "off.jar"),
                    r.statuses().stream().map(PluginStatus::fileName).toList(), "plugin files only, by name");
            PluginStatus loaded = status(r, "a-short.jar");
            assertEquals(new PluginStatus("a-short.jar", PluginKind.JAR,
                    PluginFile.of(project.resolve("plugins/a-short.jar")).sha256(), true, State.LOADED,
                    Map.of("RewardFunction", List.of("short_answer")), List.of(), "built against plugin API 1"),
                    loaded);

            PluginStatus broken = status(r, "Broken.java");
            assertEquals(State.FAILED, broken.state());
            assertEquals(1, broken.problems().get(0).line());
            assertTrue(broken.detail().startsWith("not loaded: line 1, column "), broken.detail());

            assertEquals(State.UNTRUSTED, status(r, "Later.java").state());
            assertEquals("not trusted: trust it in the window or with `grpowb trust PROJECT`",
                    status(r, "Later.java").detail());

            PluginStatus off = status(r, "off.jar");
            assertEquals(State.DISABLED, off.state());
            assertTrue(off.trusted(), "disabling keeps the trust");
            assertEquals("disabled: listed in plugins/disabled", off.detail());
            assertFalse(r.rewardNames().contains("switched_off"));
            assertEquals(List.of(PluginFile.of(project.resolve("plugins/Later.java"))), r.untrusted(),
                    "a disabled file is not waiting for trust");

            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> r.reward("switched_off"));
            assertTrue(e.getMessage().contains("not loaded: plugins/off.jar (disabled: listed in plugins/disabled)")
                    && e.getMessage().contains("not loaded: plugins/Later.java (not trusted"), e.getMessage());
        }

        PluginRegistry.setDisabled(project, "off.jar", false);
        try (PluginRegistry r = registry()) {
            assertEquals(State.LOADED, status(r, "off.jar").state());
            assertTrue(r.rewardNames().contains("switched_off"));
        }
    }

    @Test
    void theDisabledListIsOneFileNameALine() throws Exception {
        PluginRegistry.setDisabled(project, "b.py", true);
        PluginRegistry.setDisabled(project, "A.java", true);
        PluginRegistry.setDisabled(project, "b.py", true);
        assertEquals(List.of("b.py", "A.java"), Files.readAllLines(project.resolve("plugins/disabled")));
        PluginRegistry.setDisabled(project, "b.py", false);
        assertEquals(Set.of("A.java"), PluginRegistry.disabled(project));
        try (var files = Files.list(project.resolve("plugins"))) {
            assertEquals(List.of("disabled"), files.map(f -> f.getFileName().toString()).toList(), "no temp files");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginRegistry.setDisabled(project, "../elsewhere.jar", true));
        assertEquals("not a plugin file name (a .jar, .java or .py file in plugins/): '../elsewhere.jar'",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PluginRegistry.setDisabled(project, "notes.txt", true));
    }

    @Test
    void aNameTakenByABundledPluginOrAnEarlierFileIsThatFilesProblem() throws Exception {
        PluginProjects.write(project, "Exact.java", PluginProjects.rewardSource("Exact", "exact_answer"));
        PluginProjects.write(project, "First.java", PluginProjects.rewardSource("First", "mine"));
        PluginProjects.write(project, "Second.java", PluginProjects.rewardSource("Second", "mine"));
        trustAll();
        try (PluginRegistry r = registry()) {
            assertEquals("a RewardFunction named 'exact_answer' is already provided by a bundled plugin",
                    status(r, "Exact.java").problems().get(0).message());
            assertEquals(State.LOADED, status(r, "First.java").state());
            assertEquals("a RewardFunction named 'mine' is already provided by plugins/First.java",
                    status(r, "Second.java").problems().get(0).message());
            assertEquals("org.grpowb.rewards.ExactAnswerReward", r.reward("exact_answer").getClass().getName(),
                    "the bundled one stays");
        }
    }

    @Test
    void aFilesPluginsAreRegisteredAllTogetherOrNotAtAll() throws Exception {
        // a reward with a free name, and a hint policy named like the built-in "none": the file fails whole
        PluginProjects.write(project, "Hinted.java", """
                package com.example.single;

                import org.grpowb.api.Example;
                import org.grpowb.api.HintPolicy;
                import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public class Hinted implements RewardFunction, HintPolicy {
                    public String name() { return "none"; }
                    public String description() { return "a reward and a hint policy"; }
                    public java.util.List<org.grpowb.api.SettingSpec> settings() { return java.util.List.of(); }
                    public void configure(org.grpowb.api.Settings settings) { }
                    public RewardResult score(String completion, Example example) {
                        return RewardResult.of(name(), 1.0, Verdict.UNVERIFIED);
                    }
                    public Choice choose(Request request) { return Choice.NONE; }
                }
                """);
        trustAll();
        try (PluginRegistry r = registry()) {
            PluginStatus s = status(r, "Hinted.java");
            assertEquals(State.FAILED, s.state());
            assertEquals("a HintPolicy named 'none' is already provided by a built-in hint policy",
                    s.problems().get(0).message());
            assertFalse(r.rewardNames().contains("none"), "its free reward name was not registered either");
            assertTrue(r.hintPolicyNames().isEmpty());
        }
    }
}
