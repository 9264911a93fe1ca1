package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.engine.RunSummary;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectRuns;
import org.grpowb.core.project.StoredSettings;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grpowb train}: runs GRPO on a project, storing every step, with a progress bar or JSON lines. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a project with GRPO.")
final class TrainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--store", description = "SQLite run store (default: PROJECT/runs/runs.db)")
    Path store;

    @Option(names = "--resume", description = "continue this project's newest unfinished run in the store from its last checkpoint")
    boolean resume;

    @Option(names = "--run", description = "with --resume: the run to continue")
    Long runId;

    @Option(names = "--json", description = "print one JSON object per step, then a summary line")
    boolean json;

    @Option(names = "--trust-plugins", description = "trust the project's untrusted plugin files (their exact bytes, "
            + "as grpowb trust --yes does) before training; without it, a project with untrusted plugins is refused")
    boolean trustPlugins;

    /** Exit status when the project has plugin files the user has not trusted (and --trust-plugins is not given). */
    static final int EXIT_UNTRUSTED = 2;

    /** The newest step the run has completed, read by the shutdown hook's message. */
    private volatile int lastStep;

    /** The run being trained, for the events that stop it. */
    private volatile TrainingRun current;

    /** Why the run paused (no one can resume it from here, so it stops), or null. */
    private volatile String pausedBecause;

    /** Exit status of a run stopped because a reward failed on most of a step's rollouts (resumable). */
    static final int EXIT_PAUSED = 3;

    @Override
    public Integer call() throws Exception {
        if (!trustedPlugins()) {
            return EXIT_UNTRUSTED;
        }
        Project project = opts.load(Map.of());
        // the first line: where the run trains and why, before anything slow happens
        System.err.println("device: " + ComputeDevice.current().line());
        String projectName = project.name();
        Path storeFile = ProjectOptions.ensureParent(store != null ? store : ProjectRuns.defaultStore(project.dir()));
        // closed last, after the store: a signal's shutdown waits until the run's rows are written and the store closed
        try (GracefulStop stop = new GracefulStop(GracefulStop.WAIT, System.err);
             RunStore runStore = RunStore.open(storeFile)) {
            Long resumeId = null;
            if (resume) {
                RunInfo info = runId != null
                        ? runStore.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in " + storeFile))
                        : ProjectRuns.newestUnfinished(runStore, projectName).orElseThrow(() -> new IllegalArgumentException(
                                "no unfinished run of project '" + projectName + "' in " + storeFile));
                resumeId = info.id();
                // a resumed run keeps the settings it was started with; flags given now still win
                project = opts.load(StoredSettings.overrides(info.configJson()));
            }
            int total = project.training().schedule().steps();
            ProgressBar bar = json ? null : new ProgressBar(System.err, total);
            TrainingRun run = new TrainingRun(project, runStore, e -> onEvent(e, bar));
            current = run;
            stop.watch(run, () -> Math.min(lastStep + 1, total), bar != null);
            RunSummary s = resumeId == null ? run.start() : run.resume(resumeId);
            if (bar != null) {
                bar.finish();
            }
            if (json) {
                ObjectNode done = JSON.createObjectNode();
                done.put("event", "done");
                done.put("run_id", s.runId());
                done.put("status", s.status());
                putNumber(done, "eval_accuracy_before", s.evalAccuracyBefore());
                putNumber(done, "eval_accuracy_after", s.evalAccuracyAfter());
                done.put("steps", s.steps());
                done.put("device", ComputeDevice.current().line());
                done.put("wall_s", Math.round(s.wallSeconds() * 10) / 10.0);
                if (!s.message().isEmpty()) {
                    done.put("message", s.message());
                }
                System.out.println(JSON.writeValueAsString(done));
            } else {
                System.err.printf("run %d %s after %d steps in %.1f s: eval accuracy %.1f%% -> %.1f%%%s%n", s.runId(),
                        s.status(), s.steps(), s.wallSeconds(), 100 * s.evalAccuracyBefore(), 100 * s.evalAccuracyAfter(),
                        s.message().isEmpty() ? "" : " (" + s.message() + ")");
                System.err.println("store: " + storeFile);
            }
            if (pausedBecause != null) {
                return EXIT_PAUSED;
            }
            return s.status().equals("done") || s.status().equals("stopped") ? 0 : 1;
        }
    }

    /**
     * Whether every enabled plugin file of the project is trusted, after trusting them when {@code --trust-plugins}
     * says so. A plugin is code from elsewhere: training never runs one the user has not agreed to, and never leaves
     * one out silently either (the run would miss a reward the project names, or fail later on an unknown name).
     */
    private boolean trustedPlugins() {
        Path dir = opts.projectDir();
        PluginTrust trust = PluginTrust.user();
        Set<String> disabled = PluginRegistry.disabled(dir);
        List<PluginFile> untrusted = PluginRegistry.files(dir).stream()
                .filter(f -> !disabled.contains(f.name()) && !trust.trusts(f)).toList();
        if (untrusted.isEmpty()) {
            return true;
        }
        for (PluginFile f : untrusted) {
            if (trustPlugins) {
                trust.trust(f);
            }
            System.err.printf("%s %s  sha256 %s%n", trustPlugins ? "trusted:  " : "untrusted:", f.file(), f.sha256());
        }
        if (!trustPlugins) {
            System.err.println("refusing to train with untrusted plugins: trust them with --trust-plugins, grpowb trust "
                    + dir + " --yes, or in the window; or disable them (grpowb plugins list shows them)");
        }
        return trustPlugins;
    }

    private void onEvent(RunEvent e, ProgressBar bar) {
        if (e instanceof RunEvent.Paused p) {
            // the window holds a paused run until the user resumes it; a command line has no one to ask
            pausedBecause = p.reason();
            System.err.println("paused before step " + p.step() + ": " + p.reason()
                    + "; stopping (fix or disable the reward, then `grpowb train --resume`)");
            current.requestStop();
        } else if (e instanceof RunEvent.Started st) {
            lastStep = st.firstStep() - 1;
        } else if (e instanceof RunEvent.StepCompleted sc) {
            StepMetrics m = sc.step().metrics();
            lastStep = m.step();
            if (json) {
                System.out.println(stepJson(m));
            } else {
                bar.update(m);
            }
        } else if (e instanceof RunEvent.EvalCompleted ev && json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("event", "eval");
            o.put("step", ev.eval().step());
            putNumber(o, "eval_accuracy", ev.eval().accuracy());
            if (ev.eval().k() > 0) {
                putNumber(o, "eval_pass_at_" + ev.eval().k(), ev.eval().passAtK());
            }
            System.out.println(o);
        } else if (e instanceof RunEvent.EvalCompleted ev) {
            bar.eval(ev.eval().step(), ev.eval().accuracy());
        }
    }

    static String stepJson(StepMetrics m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", m.step());
        putNumber(o, "reward_mean", m.rewardMean());
        putNumber(o, "reward_std", m.rewardStd());
        putNumber(o, "accuracy", m.accuracy());
        putNumber(o, "loss", m.loss());
        putNumber(o, "kl", m.kl());
        putNumber(o, "entropy", m.entropy());
        putNumber(o, "clip_frac", m.clipFrac());
        putNumber(o, "zero_adv_frac", m.zeroAdvFrac());
        putNumber(o, "tokens_per_s", Math.round(m.tokensPerS()));
        putNumber(o, "response_length", m.responseLength());
        o.put("reward_failures", m.rewardFailures());
        o.put("skipped", m.skipped());
        putNumber(o, "wall_ms", Math.round(m.wallMs()));
        m.extra().forEach((k, v) -> putNumber(o, k, v));
        return o.toString();
    }

    /** JSON has no NaN: a missing value is written as null. */
    static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, Math.round(v * 1e6) / 1e6);
        } else {
            o.putNull(key);
        }
    }
}
