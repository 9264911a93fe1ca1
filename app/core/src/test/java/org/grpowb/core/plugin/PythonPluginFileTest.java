package org.grpowb.core.plugin;

import static org.grpowb.core.plugin.PluginProjects.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.plugin.PluginStatus.State;
import org.grpowb.core.plugin.python.PythonSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trusted Python file in a project: each of its reward functions is a reward by its function's name, scored by the
 * file's worker (started on the cache's copy) until the registry closes; a file that does not import is a problem at
 * its line in the project's own file. The worker itself is tested in {@code python/}; this is the registry's side.
 */
class PythonPluginFileTest {

    @TempDir
    Path dir;

    private static PythonSettings python;

    /** Needs a {@code python3} and a build with the worker (its settings throw while it is a skeleton). */
    @BeforeAll
    static void aPythonWorker() throws Exception {
        try {
            python = PythonSettings.fromSystem();
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "the Python worker is not part of this build: " + e.getMessage());
        }
        boolean runs;
        try {
            Process p = new ProcessBuilder(python.executable(), "--version").redirectErrorStream(true).start();
            runs = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            runs = false;
        }
        assumeTrue(runs, "no " + python.executable() + " here");
    }

    private PluginRegistry registry(Path project, PluginTrust trust) {
        return PluginRegistry.forProject(project, trust, () -> python, new PluginCache(dir.resolve("cache")));
    }

    @Test
    void eachRewardFunctionOfATrustedFileIsARewardByItsName() throws Exception {
        Path project = dir.resolve("p");
        Path file = PluginProjects.write(project, "rewards.py", """
                def short_answer(completions, **kwargs):
                    \"\"\"1 for an answer of at most 3 characters.\"\"\"
                    return [1.0 if len(c.strip()) <= 3 else 0.0 for c in completions]

                def matches(completions, answer, **kwargs):
                    return [1.0 if c.strip() == a else 0.0 for c, a in zip(completions, answer)]

                def _helper():
                    return 0
                """);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(PluginFile.of(file));
        Example four = new Example("e", "2+2=", "4", Map.of());

        RewardFunction matches;
        try (PluginRegistry r = registry(project, trust)) {
            PluginStatus s = status(r, "rewards.py");
            assertEquals(State.LOADED, s.state(), s.toString());
            assertEquals(Map.of("RewardFunction", List.of("matches", "short_answer")), s.provides());
            assertEquals("run by " + python.executable() + " in a worker process with your rights", s.detail());
            matches = r.reward("matches");
            assertTrue(matches.batched());
            assertEquals(List.of(1.0, 0.0), matches.scoreBatch(List.of(" 4", "5"), List.of(four, four)).stream()
                    .map(x -> x.scores().get("matches")).toList());
            assertFalse(r.rewardNames().contains("_helper"));
        }
        assertThrows(IllegalStateException.class, () -> matches.score("4", four), "closing stopped the worker");
    }

    @Test
    void aFileThatDoesNotImportIsAProblemAtItsLineInTheProjectsFile() throws Exception {
        Path project = dir.resolve("p");
        Path file = PluginProjects.write(project, "broken.py", """
                def fine(completions, **kwargs):
                    return [0.0 for c in completions]
                def broken(completions, **kwargs)
                    return [1.0 for c in completions]
                """);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(PluginFile.of(file));
        try (PluginRegistry r = registry(project, trust)) {
            PluginStatus s = status(r, "broken.py");
            assertEquals(State.FAILED, s.state());
            PluginProblem p = s.problems().get(0);
            assertEquals(file.toAbsolutePath(), p.file());
            assertEquals(3, p.line(), p.toString());
            assertFalse(p.message().contains(dir.resolve("cache").toString()), "the user's file, not the copy: " + p);
            assertFalse(r.rewardNames().contains("fine"), "nothing of a failed file");
        }
    }
}
