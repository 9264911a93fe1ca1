package org.grpowb.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.MemoryNeeds;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.Settings;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.plugin.SteeringChoices;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.TrainingSettings;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.CheckpointRow;
import org.grpowb.core.store.RunStore;
import org.grpowb.core.store.StoreWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training run around {@link GrpoStep}: set up the policy, reference and optimiser; evaluate before; loop over
 * steps, storing each (off this thread, through {@link StoreWriter}) and publishing it as a {@link RunEvent};
 * evaluate and checkpoint on cadence; evaluate after.
 *
 * <p>Crash safety: every step's rows commit in one transaction, and a checkpoint row is committed only after the
 * checkpoint folder is complete and after the rows of its step. {@link #resume} reloads the newest checkpoint, deletes
 * the stored steps after it (computed by a policy that was never saved) and recomputes them; since every random choice
 * is a function of (seed, step), the recomputed steps draw the same prompts and seeds, and no step is lost or
 * duplicated.
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final Project project;
    private final RunStore store;
    private final Consumer<RunEvent> listener;
    private volatile boolean stopRequested;
    /** The policy being trained, while it trains: {@link #renderPrompt} reads its chat template. */
    private volatile PolicyModel livePolicy;
    private final Object pauseLock = new Object();
    private boolean paused;

    /** Plugin registries opened by plugins edits, closed when the run ends (their rewards are in use until then). */
    private final List<PluginRegistry> reloadedPlugins = new ArrayList<>();

    /** Whether anyone listens who could resume a paused run; without, a pause stops the run (resumable). */
    private final boolean attended;

    /**
     * @param listener the run's events, on the training thread; null for none, and then a run that would pause (a
     *                 reward failing on most of a step's rollouts) stops instead, as nobody could resume it
     */
    public TrainingRun(Project project, RunStore store, Consumer<RunEvent> listener) {
        this.project = project;
        this.store = store;
        this.attended = listener != null;
        this.listener = listener == null ? e -> { } : listener;
    }

    /** Asks the loop to stop after the current step; the run ends as {@code stopped} and can be resumed. */
    public void requestStop() {
        stopRequested = true;
        resumeTraining();
    }

    /**
     * The exact text the policy is given for a prompt text (hint included): the model's chat template rendered
     * around it, for a chat model. Empty while no policy is loaded (before the run starts, after it ends). Safe from
     * any thread: rendering reads only the template.
     */
    public Optional<String> renderPrompt(String prompt) {
        PolicyModel p = livePolicy;
        return p == null ? Optional.empty() : Optional.of(p.renderPrompt(prompt));
    }

    /** Holds the loop before its next step (the current step finishes first). Safe from any thread. */
    public void pause() {
        synchronized (pauseLock) {
            paused = true;
        }
    }

    /** Lets a paused loop go on. */
    public void resumeTraining() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    public boolean isPaused() {
        synchronized (pauseLock) {
            return paused;
        }
    }

    private void waitWhilePaused() {
        synchronized (pauseLock) {
            while (paused && !stopRequested) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                }
            }
        }
    }

    /** Where a run's checkpoints live: beside the store file. */
    public static Path checkpointRoot(Path storeFile, long runId) {
        return storeFile.toAbsolutePath().resolveSibling(storeFile.getFileName() + ".checkpoints").resolve("run-" + runId);
    }

    /**
     * Starts a new run and trains it to the end. A model that cannot be opened (a bad folder: its file and tensor or
     * key named) or would not fit in memory is refused before a run is created.
     *
     * @throws IllegalArgumentException for a model folder the factory refuses
     * @throws IllegalStateException    for a run that would not fit, with the estimate and the knobs to turn
     */
    public RunSummary start() {
        preflight().ifPresent(plan -> LOG.info("memory: {}", plan.describe()));
        GrpoVariant variant = project.variant().variant();
        ObjectNode config = project.resolvedConfig().deepCopy();
        // the model's files by content: a run records what it started from, not just where
        ((ObjectNode) config.path("model")).set("identity", ModelIdentity.of(project.model().init()));
        long runId = store.createRun(project.name(), variant.name(), project.training().schedule().seed(), config.toString());
        return execute(runId, 0);
    }

    /**
     * What the model's factory can check without loading weights, and the memory plan from it; empty when the factory
     * cannot tell (tiny-gpt, random initialisation).
     */
    private Optional<MemoryPlan> preflight() {
        TrainingSettings ts = project.training();
        Optional<MemoryNeeds> needs;
        try {
            needs = project.model().factory().memoryNeeds(project.model().init(), project.model().settings());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return needs.map(n -> {
            GrpoVariant variant = project.variant().variant();
            long rows = (long) ts.sampling().promptsPerStep() * ts.sampling().groupSize();
            long microBatchTokens = Math.min(ts.optimisation().microBatchTokens(), Math.min(ts.optimisation().microBatch(), rows) * n.context());
            Device device = ComputeDevice.current().device();
            MemoryPlan plan = MemoryPlan.of(n, variant.needsReference(project.variant().settings()), microBatchTokens,
                    rows, n.context(), MemoryPlan.available(device), ComputeDevice.current().line());
            if (ts.schedule().memoryCheck()) {
                plan.requireFits();
            }
            return plan;
        });
    }

    /** Continues a stored run from its newest checkpoint. */
    public RunSummary resume(long runId) {
        RunInfo info = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in the store"));
        CheckpointRow ckpt = store.latestCheckpoint(runId).orElseThrow(() ->
                new IllegalStateException("run " + runId + " has no checkpoint to resume from"));
        int dropped = store.deleteStepsAfter(runId, ckpt.step());
        LOG.info("resuming run {} ({}) from step {}; dropped {} step(s) computed after that checkpoint",
                runId, info.status(), ckpt.step(), dropped);
        store.setStatus(runId, "running");
        return execute(runId, ckpt.step());
    }

    private RunSummary execute(long runId, int fromStep) {
        GradMode.offForThisThread();
        long t0 = System.nanoTime();
        TrainingSettings ts = project.training();
        Settings vs = project.variant().settings();
        GrpoVariant variant = project.variant().variant();
        Checkpoints ckpts = new Checkpoints(checkpointRoot(store.file(), runId), 2);
        double before = Double.NaN;
        double after = Double.NaN;
        int step = fromStep;
        String status = "failed";
        String message = "";
        try (NDManager base = NDManager.newBaseManager(ComputeDevice.current().device());
             StoreWriter writer = StoreWriter.open(store.file());
             RewardScorer rewards = new RewardScorer(project.rewards(), ts.schedule().rewardTimeoutMs(),
                     project.curriculum().lengthBudget() != null)) {
            PolicyModel policy = fromStep == 0 ? initialPolicy(base) : loadPolicy(base, ckpts.policyDir(fromStep));
            PolicyModel reference = null;
            if (variant.needsReference(vs)) {
                reference = fromStep == 0 || policy.referenceIsFixed() ? policy.reference()
                        : loadPolicy(base, ckpts.policyDir(0));
            }
            AdamOptimizer optimizer = new AdamOptimizer(policy.parameters());
            SignFlips signFlips = new SignFlips(ts.signals().passRateWindow(), ts.signals().probeEvery());
            if (fromStep > 0) {
                optimizer.load(ckpts.optimizerFile(fromStep));
                signFlips.load(ckpts.signFlipsFile(fromStep));
            }
            Steering steering = Steering.of(project);
            Map<Integer, List<EditRecord>> replay = new TreeMap<>();
            if (fromStep > 0) {
                // what edits set is replayed from the store; what steps taught comes from the checkpoint
                for (EditRecord e : store.appliedEdits(runId)) {
                    if (e.step() <= fromStep) {
                        steering.apply(e, e.step());
                    } else {
                        replay.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(e);
                    }
                }
                steering.load(ckpts.dir(fromStep), stepMetrics(store.metrics(runId), fromStep));
            }
            Evaluator evaluator = new Evaluator(project.data().eval(), ts.schedule().evalExamples(), rewards, ts.sampling().maxNewTokens(),
                    ts.schedule().evalPassK(), ts.sampling().temperature());
            GrpoStep grpo = new GrpoStep(policy, reference, optimizer, variant.advantage(vs), variant.loss(vs),
                    variant.extraRollouts(vs), variant.dynamicSampling(vs), rewards, steering, signFlips, ts, base);
            LOG.info("run {}: {} on {}", runId, variant.name(), policy.describe());
            livePolicy = policy;
            emit(new RunEvent.Started(runId, fromStep + 1, ts.schedule().steps(), project.resolvedConfig().toString()));

            if (fromStep == 0) {
                Path dir = ckpts.save(0, policy, optimizer, signFlips, steering::save);
                writer.recordCheckpoint(runId, 0, dir.toString());
                before = evaluate(writer, runId, 0, evaluator, policy);
            } else {
                before = store.evals(runId).stream().filter(e -> e.step() == 0).mapToDouble(EvalRecord::accuracy)
                        .findFirst().orElse(Double.NaN);
            }

            int nonFiniteInARow = 0;
            status = "done";
            String pausedBecause = null;
            for (step = fromStep + 1; step <= ts.schedule().steps(); step++) {
                waitWhilePaused();
                if (stopRequested) {
                    status = "stopped";
                    message = "stopped at step " + (step - 1) + (pausedBecause == null ? "" : ": " + pausedBecause);
                    step--;
                    break;
                }
                applyEdits(runId, step, steering, rewards, Objects.requireNonNullElse(replay.remove(step), List.of()));
                GrpoStep.Outcome out;
                try {
                    out = grpo.run(step);
                } catch (RewardFailuresException e) {
                    // nothing of the step was applied: hold here, then run it again (or stop, resumable)
                    pausedBecause = e.getMessage() + "; step " + step + " was not applied";
                    LOG.warn("run {}: paused before step {}: {}", runId, step, pausedBecause);
                    pause();
                    if (!attended) {
                        stopRequested = true;
                    }
                    emit(new RunEvent.Paused(runId, step, pausedBecause));
                    step--;
                    continue;
                }
                pausedBecause = null;
                StepRecord record = new StepRecord(runId, out.metrics(), out.groups());
                writer.appendStep(record);
                emit(new RunEvent.StepCompleted(runId, record));
                if (steering.afterStep(step, curriculumMetrics(out.metrics()))) {
                    int at = steering.stage().stage();
                    String name = steering.curriculum().curriculum().stages().get(at).name();
                    LOG.info("run {}: curriculum stage {} ('{}') from step {}", runId, at, name, step + 1);
                    emit(new RunEvent.StageChanged(runId, step + 1, at, name));
                }
                if (out.nonFinite()) {
                    nonFiniteInARow++;
                    emit(new RunEvent.NonFiniteLoss(runId, step, nonFiniteInARow));
                    LOG.warn("step {}: non-finite loss, update skipped ({} in a row)", step, nonFiniteInARow);
                    if (nonFiniteInARow >= ts.schedule().maxNonfiniteInARow()) {
                        status = "failed";
                        message = nonFiniteInARow + " non-finite losses in a row at step " + step
                                + "; resume continues from the last checkpoint";
                        break;
                    }
                } else {
                    nonFiniteInARow = 0;
                }
                if (ts.schedule().evalEvery() > 0 && step % ts.schedule().evalEvery() == 0 && step < ts.schedule().steps()) {
                    evaluate(writer, runId, step, evaluator, policy);
                }
                if (step % ts.schedule().checkpointEvery() == 0 || step == ts.schedule().steps()) {
                    Path dir = ckpts.save(step, policy, optimizer, signFlips, steering::save);
                    writer.recordCheckpoint(runId, step, dir.toString());
                    emit(new RunEvent.CheckpointSaved(runId, step, dir.toString()));
                }
            }
            if (step > ts.schedule().steps()) {
                step = ts.schedule().steps();
            }
            if (status.equals("done")) {
                after = evaluate(writer, runId, step, evaluator, policy);
            }
            livePolicy = null;
            writer.setStatus(runId, status);
            writer.flush();
            if (reference != null) {
                reference.close();
            }
            policy.close();
        } catch (IOException e) {
            status = "failed";
            message = e.toString();
            markFailed(runId, e);
        } catch (RuntimeException e) {
            status = "failed";
            message = e.getMessage() == null ? e.toString() : e.getMessage();
            markFailed(runId, e);
        }
        livePolicy = null;
        reloadedPlugins.forEach(PluginRegistry::close);
        reloadedPlugins.clear();
        RunSummary summary = new RunSummary(runId, status, step, before, after, (System.nanoTime() - t0) / 1e9, message);
        emit(new RunEvent.Finished(runId, summary));
        return summary;
    }

    /**
     * The project's rewards anew from its plugin files as they are now (a replaced file's new bytes, if the user
     * trusts them), with the settings and weights the run has, and the prompt samplers and hint policies steering may
     * choose among; the registry stays open until the run ends.
     */
    private void reloadPlugins(RewardScorer rewards, Steering steering) {
        PluginRegistry fresh = PluginRegistry.forProject(project.dir(), PluginTrust.user());
        try {
            List<Project.RewardChoice> next = new ArrayList<>();
            for (Project.RewardChoice c : project.rewards()) {
                RewardFunction f = fresh.reward(c.function().name());
                f.configure(c.settings());
                next.add(new Project.RewardChoice(f, c.weight(), c.settings()));
            }
            steering.usePlugins(SteeringChoices.of(fresh)); // checks before anything is replaced
            rewards.replaceFunctions(next);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        reloadedPlugins.add(fresh);
    }

    /**
     * At the boundary before {@code step}: first the edits the run applied here before it was resumed (replayed, not
     * recorded again), then every pending edit in the order it was submitted, each applied or refused.
     */
    private void applyEdits(long runId, int step, Steering steering, RewardScorer rewards, List<EditRecord> replay) {
        for (EditRecord e : replay) {
            // a replayed plugins edit needs no reload: the resumed run loaded the plugins as they are now
            steering.apply(e, step);
        }
        for (EditRecord e : store.pendingEdits(runId)) {
            try {
                if (e.kind().equals(Edits.PLUGINS)) {
                    reloadPlugins(rewards, steering);
                }
                int version = steering.apply(e, step);
                store.markEditApplied(e.id(), step, version);
                LOG.info("run {}: edit {} ({}) applied before step {}: version {}", runId, e.id(), e.kind(), step,
                        version);
                emit(new RunEvent.EditApplied(runId, step, e, version));
            } catch (RuntimeException bad) {
                String reason = bad.getMessage() == null ? bad.toString() : bad.getMessage();
                store.markEditRefused(e.id(), step, reason);
                LOG.warn("run {}: edit {} ({}) refused before step {}: {}", runId, e.id(), e.kind(), step, reason);
                emit(new RunEvent.EditRefused(runId, step, e, reason));
            }
        }
    }

    /** The metrics a curriculum's stage rules read. */
    private static Map<String, Double> curriculumMetrics(StepMetrics m) {
        Map<String, Double> out = new HashMap<>();
        out.put("accuracy", m.accuracy());
        out.put("reward_mean", m.rewardMean());
        out.put("zero_adv_frac", m.zeroAdvFrac());
        return out;
    }

    private static List<Map<String, Double>> stepMetrics(List<StepMetrics> stored, int upTo) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (StepMetrics m : stored) {
            if (m.step() <= upTo) {
                while (out.size() < m.step() - 1) {
                    out.add(Map.of());
                }
                out.add(curriculumMetrics(m));
            }
        }
        return out;
    }

    private void markFailed(long runId, Exception e) {
        LOG.error("run {} failed", runId, e);
        try {
            store.setStatus(runId, "failed");
        } catch (RuntimeException again) {
            LOG.error("could not mark run {} failed", runId, again);
        }
    }

    private double evaluate(StoreWriter writer, long runId, int step, Evaluator evaluator, PolicyModel policy) {
        double acc = evaluator.accuracy(policy);
        EvalRecord rec = new EvalRecord(step, acc, evaluator.size(), evaluator.passAtK(policy), evaluator.passK());
        writer.recordEval(runId, rec);
        emit(new RunEvent.EvalCompleted(runId, rec));
        return acc;
    }

    private PolicyModel initialPolicy(NDManager base) throws IOException {
        Project.ModelChoice m = project.model();
        if (m.init() == null) {
            return m.factory().create(base, m.settings(), Seeds.derive(project.training().schedule().seed(), 0, Seeds.INIT));
        }
        if (!Files.isDirectory(m.init())) {
            throw new IllegalStateException(project.file() + ": field 'model.init': no checkpoint at " + m.init()
                    + "; make it with `grpowb sft " + project.dir() + "`");
        }
        return m.factory().load(base, m.init(), m.settings());
    }

    private PolicyModel loadPolicy(NDManager base, Path dir) throws IOException {
        return project.model().factory().load(base, dir);
    }

    private void emit(RunEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("a run listener failed on {}", e.getClass().getSimpleName(), ex);
        }
    }
}
