package org.grpowb.core.plugin.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.ScoreRange;
import org.grpowb.api.Verdict;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python worker scoring batches, failing per batch or per rollout, restarting, and refusing bad files. */
class PythonRewardFileTest {

    private static final PythonSettings SETTINGS = new PythonSettings("python3", Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(PythonSettings.available("python3"), "no python3 3.8+ on this machine");
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static Example example(String id, String prompt, String answer, String difficulty) {
        return new Example(id, prompt, answer, Map.of("difficulty", difficulty));
    }

    private static final List<Example> THREE = List.of(example("a", "Q: 2+2", "4", "1"),
            example("b", "Q: 2+3", "5", "2"), example("c", "Q: 3+4", "7", "3"));

    private static RewardFunction named(PythonRewardFile file, String name) {
        return file.functions().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Double> values(List<RewardResult> results, String name) {
        List<Double> out = new ArrayList<>();
        for (RewardResult r : results) {
            out.add(r == null ? null : r.scores().get(name));
        }
        return out;
    }

    @Test
    void scoresABatchWithTheExamplesFieldsAsKeywords() throws Exception {
        write("shared_rewards.py",
                "def borrowed(completions, **kwargs):",
                "    return [1.0 for _ in completions]");
        Path file = write("rewards.py",
                "from shared_rewards import borrowed",
                "",
                "def _helper(text):",
                "    return text.strip()",
                "",
                "def exact(completions, answer, **kwargs):",
                "    \"\"\"1 when the completion is the answer.",
                "",
                "    More text that is not the description.\"\"\"",
                "    return [1.0 if _helper(c) == a else 0.0 for c, a in zip(completions, answer)]",
                "",
                "def length_penalty(completions, **kwargs):",
                "    return [-len(c) / 100 for c in completions]",
                "",
                "length_penalty.score_range = (-1, 0)",
                "",
                "def by_difficulty(completions, difficulty, prompts):",
                "    # no **kwargs: given only what it names (TRL would pass answer and id too, and fail)",
                "    return [int(d) / 10 + (0.05 if p.startswith('Q:') else 0) for d, p in zip(difficulty, prompts)]",
                "",
                "def not_a_reward(text):",
                "    return 0",
                "",
                "SCORE_RANGES = {'by_difficulty': (0, 2)}");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            assertEquals(List.of("exact", "length_penalty", "by_difficulty"),
                    rewards.functions().stream().map(RewardFunction::name).toList());
            RewardFunction exact = named(rewards, "exact");
            RewardFunction penalty = named(rewards, "length_penalty");
            RewardFunction difficulty = named(rewards, "by_difficulty");
            assertEquals("1 when the completion is the answer.", exact.description());
            assertEquals("Python reward length_penalty in rewards.py", penalty.description());
            assertEquals(ScoreRange.UNIT, exact.scoreRange());
            assertEquals(new ScoreRange(-1, 0), penalty.scoreRange());
            assertEquals(new ScoreRange(0, 2), difficulty.scoreRange());
            assertTrue(exact.batched());
            assertEquals(List.of("exact"), exact.scoreNames());

            List<String> completions = List.of("4", " 5 ", "seven");
            List<RewardResult> scored = exact.scoreBatch(completions, THREE);
            assertEquals(List.of(1.0, 1.0, 0.0), values(scored, "exact"));
            assertEquals(Verdict.UNVERIFIED, scored.get(0).verdict());
            assertEquals(List.of(-0.01, -0.03, -0.05), values(penalty.scoreBatch(completions, THREE),
                    "length_penalty"));
            List<Double> byDifficulty = values(difficulty.scoreBatch(completions, THREE), "by_difficulty");
            assertEquals(0.15, byDifficulty.get(0), 1e-12);
            assertEquals(0.25, byDifficulty.get(1), 1e-12);
            assertEquals(0.35, byDifficulty.get(2), 1e-12);
            assertEquals(0.0, exact.score("5", THREE.get(0)).scores().get("exact"));
            assertEquals(0, rewards.restarts());
        }
    }

    @Test
    void noneNanAndInfinityFailOnlyTheirRollouts() throws Exception {
        Path file = write("odd.py",
                "def odd(completions, **kwargs):",
                "    return [None, float('nan'), 0.5, float('inf'), -float('inf'), True][:len(completions)]");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            List<Example> six = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                six.add(new Example("e" + i, "p", "a", Map.of()));
            }
            List<RewardResult> scored = rewards.functions().get(0).scoreBatch(List.of("1", "2", "3", "4", "5", "6"),
                    six);
            assertEquals(Arrays.asList(null, null, 0.5, null, null, 1.0), values(scored, "odd"));
            PythonWorkerException single = assertThrows(PythonWorkerException.class,
                    () -> rewards.functions().get(0).score("1", six.get(0)));
            assertTrue(single.getMessage().contains("returned None or a non-finite score"), single.getMessage());
        }
    }

    @Test
    void aWrongLengthOrANonNumberFailsTheBatchWithoutARestart() throws Exception {
        Path file = write("wrong.py",
                "def short(completions, **kwargs):",
                "    return [1.0]",
                "",
                "def wordy(completions, **kwargs):",
                "    return ['yes' for _ in completions]",
                "",
                "def fine(completions, **kwargs):",
                "    return [0.25 for _ in completions]",
                "",
                "def boom(completions, **kwargs):",
                "    return [1 / 0 for _ in completions]");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            long pid = rewards.workerProcess().orElseThrow().pid();
            PythonWorkerException shortBatch = assertThrows(PythonWorkerException.class,
                    () -> named(rewards, "short").scoreBatch(List.of("4", "5", "7"), THREE));
            assertTrue(shortBatch.getMessage().contains("short returned 1 scores for 3 completions"),
                    shortBatch.getMessage());
            assertTrue(shortBatch.getMessage().contains("wrong.py"), shortBatch.getMessage());
            PythonWorkerException wordy = assertThrows(PythonWorkerException.class,
                    () -> named(rewards, "wordy").scoreBatch(List.of("4", "5", "7"), THREE));
            assertTrue(wordy.getMessage().contains("wordy returned str ('yes') for completion 0, not a number"),
                    wordy.getMessage());
            PythonWorkerException boom = assertThrows(PythonWorkerException.class,
                    () -> named(rewards, "boom").scoreBatch(List.of("4"), THREE.subList(0, 1)));
            assertTrue(boom.getMessage().contains("boom failed on this batch: ZeroDivisionError: division by zero"
                    + " (at wrong.py:11 in "), boom.getMessage());
            assertEquals(List.of(0.25, 0.25, 0.25), values(named(rewards, "fine").scoreBatch(List.of("4", "5", "7"),
                    THREE), "fine"));
            assertEquals(0, rewards.restarts());
            assertEquals(pid, rewards.workerProcess().orElseThrow().pid());
        }
    }

    @Test
    void aBatchPastItsTimeoutFailsAndTheNextRunsOnAFreshWorker() throws Exception {
        Path file = write("sleepy.py",
                "import time",
                "",
                "def slow(completions, **kwargs):",
                "    time.sleep(30)",
                "    return [1.0 for _ in completions]",
                "",
                "def fast(completions, **kwargs):",
                "    return [1.0 for _ in completions]");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS.withBatchTimeout(Duration.ofSeconds(1)))) {
            ProcessHandle first = rewards.workerProcess().orElseThrow();
            long start = System.nanoTime();
            PythonWorkerException e = assertThrows(PythonWorkerException.class,
                    () -> named(rewards, "slow").scoreBatch(List.of("4"), THREE.subList(0, 1)));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 1.0 && seconds < 4.0, "failed after " + seconds + " s");
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getMessage().contains("batch timed out after 1000 ms"), e.getMessage());
            assertFalse(first.isAlive(), "the timed-out worker is killed");
            assertEquals(0, rewards.restarts());

            assertEquals(List.of(1.0, 1.0, 1.0), values(named(rewards, "fast").scoreBatch(List.of("4", "5", "7"),
                    THREE), "fast"));
            assertEquals(1, rewards.restarts());
            assertNotEquals(first.pid(), rewards.workerProcess().orElseThrow().pid());
        }
    }

    @Test
    void aWorkerThatDiesFailsOnlyTheBatchInFlightAndIsRestarted() throws Exception {
        Path file = write("fragile.py",
                "import os, sys",
                "",
                "def fragile(completions, **kwargs):",
                "    if 'die' in completions:",
                "        print('about to exit', file=sys.stderr, flush=True)",
                "        os._exit(3)",
                "    return [0.5 for _ in completions]");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            RewardFunction fragile = rewards.functions().get(0);
            assertEquals(List.of(0.5), values(fragile.scoreBatch(List.of("ok"), THREE.subList(0, 1)), "fragile"));
            PythonWorkerException e = assertThrows(PythonWorkerException.class,
                    () -> fragile.scoreBatch(List.of("ok", "die"), THREE.subList(0, 2)));
            assertTrue(e.getMessage().contains("died during the batch (exit code 3)"), e.getMessage());
            assertTrue(e.getMessage().contains("about to exit"), e.getMessage());
            assertEquals(List.of(0.5, 0.5), values(fragile.scoreBatch(List.of("ok", "fine"), THREE.subList(0, 2)),
                    "fragile"));
            assertEquals(1, rewards.restarts());
        }
    }

    @Test
    void printsOfThePluginAndItsChildrenDoNotReachTheProtocol() throws Exception {
        Path file = write("chatty.py",
                "import os, subprocess, sys",
                "print('importing chatty')",
                "print('{\"id\": 1, \"scores\": [9.0]}')",
                "",
                "def chatty(completions, **kwargs):",
                "    print('scoring', completions)",
                "    os.write(1, b'raw write to fd 1\\n')",
                "    subprocess.run([sys.executable, '-c', 'print(\"from a child\")'], check=True)",
                "    print('stdin gives', repr(sys.stdin.read()))",
                "    return [len(c) / 10 for c in completions]");
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            RewardFunction chatty = rewards.functions().get(0);
            assertEquals(List.of(0.1, 0.2), values(chatty.scoreBatch(List.of("a", "bb"), THREE.subList(0, 2)),
                    "chatty"));
            // UTF-8 both ways: Python counts the emoji as one character where Java's length() counts two
            assertEquals(List.of(0.7), values(chatty.scoreBatch(List.of("naïve\n🙂"), THREE.subList(0, 1)), "chatty"));
        }
    }

    @Test
    void twoFunctionsCalledAtOnceEachGetTheirOwnScores() throws Exception {
        Path file = write("pair.py",
                "import time",
                "",
                "def one(completions, **kwargs):",
                "    time.sleep(0.2)",
                "    return [1.0 for _ in completions]",
                "",
                "def zero(completions, **kwargs):",
                "    time.sleep(0.2)",
                "    return [0.0 for _ in completions]");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS)) {
            List<Future<List<RewardResult>>> ones = new ArrayList<>();
            List<Future<List<RewardResult>>> zeros = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ones.add(pool.submit(() -> named(rewards, "one").scoreBatch(List.of("x", "y"), THREE.subList(0, 2))));
                zeros.add(pool.submit(() -> named(rewards, "zero").scoreBatch(List.of("x"), THREE.subList(0, 1))));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(List.of(1.0, 1.0), values(ones.get(i).get(), "one"));
                assertEquals(List.of(0.0), values(zeros.get(i).get(), "zero"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSyntaxErrorIsLocatedAtItsLine() throws Exception {
        Path file = write("broken.py",
                "import math",
                "",
                "def broken(completions, **kwargs):",
                "    return [1.0 for c in completions if ]");
        PythonPluginException e = assertThrows(PythonPluginException.class, () -> PythonRewardFile.open(file,
                SETTINGS));
        assertEquals(4, e.line());
        assertEquals(file.toAbsolutePath().normalize(), e.file());
        assertTrue(e.problem().startsWith("cannot import: SyntaxError: "), e.problem());
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().normalize() + ":4: "), e.getMessage());
    }

    @Test
    void anExceptionAtImportIsLocatedAtTheFilesInnermostLine() throws Exception {
        write("helper_module.py",
                "def explode():",
                "    raise RuntimeError('no config found')");
        Path file = write("raises.py",
                "import helper_module",
                "",
                "helper_module.explode()",
                "",
                "def never(completions, **kwargs):",
                "    return [0.0 for _ in completions]");
        PythonPluginException e = assertThrows(PythonPluginException.class, () -> PythonRewardFile.open(file,
                SETTINGS));
        assertEquals(3, e.line());
        assertEquals("cannot import: RuntimeError: no config found", e.problem());
    }

    @Test
    void aFileWithoutRewardFunctionsIsRefusedByName() throws Exception {
        Path file = write("helpers.py",
                "def normalise(text):",
                "    return text.strip()",
                "",
                "def _private(completions, **kwargs):",
                "    return [0.0 for _ in completions]");
        PythonPluginException e = assertThrows(PythonPluginException.class, () -> PythonRewardFile.open(file,
                SETTINGS));
        assertTrue(e.getMessage().contains("helpers.py defines no reward function"), e.getMessage());
        assertEquals(file.toAbsolutePath().normalize(), e.file());
    }

    @Test
    void aBadScoreRangeIsLocatedAtItsFunction() throws Exception {
        Path file = write("ranged.py",
                "def fine(completions, **kwargs):",
                "    return [0.0 for _ in completions]",
                "",
                "def upside_down(completions, **kwargs):",
                "    return [0.0 for _ in completions]",
                "",
                "upside_down.score_range = (1, 0)");
        PythonPluginException e = assertThrows(PythonPluginException.class, () -> PythonRewardFile.open(file,
                SETTINGS));
        assertEquals(4, e.line());
        assertTrue(e.problem().contains("upside_down.score_range must be finite with lo <= hi"), e.problem());
    }

    @Test
    void aMissingInterpreterIsNamed() throws Exception {
        Path file = write("ok.py", "def ok(completions, **kwargs):", "    return [1.0 for _ in completions]");
        PythonPluginException e = assertThrows(PythonPluginException.class, () -> PythonRewardFile.open(file,
                new PythonSettings("no-such-python-3.99", Duration.ofSeconds(5), Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("cannot start the Python interpreter 'no-such-python-3.99'"),
                e.getMessage());
        assertFalse(PythonSettings.available("no-such-python-3.99"));
    }

    @Test
    void closeKillsTheWorkerAndLaterCallsAreRefused() throws Exception {
        Path file = write("ok.py", "def ok(completions, **kwargs):", "    return [1.0 for _ in completions]");
        PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS);
        ProcessHandle worker = rewards.workerProcess().orElseThrow();
        assertTrue(worker.isAlive());
        rewards.close();
        assertFalse(worker.isAlive());
        rewards.close();
        assertTrue(rewards.workerProcess().isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rewards.functions().get(0).scoreBatch(List.of("x"), THREE.subList(0, 1)));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    @Test
    void closingWhileAReplacementStartsKillsTheReplacementToo() throws Exception {
        Path file = write("fragile.py",
                "import os, time",
                "time.sleep(0.5)",
                "",
                "def fragile(completions, **kwargs):",
                "    os._exit(3)");
        PythonRewardFile rewards = PythonRewardFile.open(file, SETTINGS);
        assertEquals(List.of(rewards.workerProcess().orElseThrow()), workersOf(file));
        assertThrows(PythonWorkerException.class,
                () -> rewards.functions().get(0).scoreBatch(List.of("x"), THREE.subList(0, 1)));
        rewards.close();
        // the replacement's thread may not have spawned its process yet when close returns (close never waits for a
        // start): the promise is that once it has, it is killed, so no worker may be seen for two seconds on end
        long deadline = System.nanoTime() + 20_000_000_000L;
        long emptySince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - emptySince < 2_000_000_000L) {
            if (!workersOf(file).isEmpty()) {
                emptySince = System.nanoTime();
            }
            Thread.sleep(50);
        }
        assertEquals(List.of(), workersOf(file));
        assertEquals(0, rewards.restarts());
    }

    /** This JVM's worker processes on {@code file}, by their command line. */
    private static List<ProcessHandle> workersOf(Path file) {
        String name = file.getFileName().toString();
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(name)).toList();
    }

    @Test
    void settingsComeFromThePropertyThenTheEnvironment() {
        String before = System.getProperty(PythonSettings.PROPERTY);
        try {
            System.setProperty(PythonSettings.PROPERTY, "/opt/python3.12/bin/python3");
            PythonSettings s = PythonSettings.fromSystem();
            assertEquals("/opt/python3.12/bin/python3", s.executable());
            assertEquals(Duration.ofSeconds(30), s.startTimeout());
            assertEquals(Duration.ofSeconds(60), s.batchTimeout());
            System.clearProperty(PythonSettings.PROPERTY);
            String env = System.getenv(PythonSettings.ENVIRONMENT);
            assertEquals(env == null || env.isBlank() ? "python3" : env.strip(), PythonSettings.fromSystem()
                    .executable());
        } finally {
            if (before == null) {
                System.clearProperty(PythonSettings.PROPERTY);
            } else {
                System.setProperty(PythonSettings.PROPERTY, before);
            }
        }
    }
}
