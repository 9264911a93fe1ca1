package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.Verdict;
import org.grpowb.core.device.ComputeDevice;

/**
 * Held-out exact match: greedy decoding on the eval split, judged by the project's verifying rewards. A rollout is
 * correct when no verifier said otherwise and at least one said correct.
 */
public final class Evaluator {

    private static final int BATCH = 256;

    /**
     * Told after each batch of a long evaluation, on the evaluating thread. A caller that wants to cancel throws
     * {@link java.util.concurrent.CancellationException} from here; the evaluation stops before the next batch.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void examplesDone(int done, int total);
    }

    private final List<Example> examples;
    private final RewardScorer rewards;
    private final int maxNewTokens;
    private final int passK;
    private final double temperature;

    /** @param limit use the first {@code limit} examples (0: all) */
    public Evaluator(List<Example> examples, int limit, RewardScorer rewards, int maxNewTokens) {
        this(examples, limit, rewards, maxNewTokens, 0, 1.0);
    }

    /**
     * @param passK       also measure pass@k with this many samples per example (0: greedy only)
     * @param temperature sampling temperature of the pass@k samples
     */
    public Evaluator(List<Example> examples, int limit, RewardScorer rewards, int maxNewTokens, int passK,
                     double temperature) {
        this.examples = limit > 0 && limit < examples.size() ? List.copyOf(examples.subList(0, limit)) : List.copyOf(examples);
        this.rewards = rewards;
        this.maxNewTokens = maxNewTokens;
        this.passK = passK;
        this.temperature = temperature;
    }

    public int passK() {
        return passK;
    }

    /**
     * pass@k: the share of examples with at least one correct answer among k samples (with n = k samples the unbiased
     * estimator of Chen et al. 2021 reduces to this indicator). Seeded, so two evaluations of one policy agree.
     */
    public double passAtK(PolicyModel policy) {
        if (examples.isEmpty() || passK < 1) {
            return Double.NaN;
        }
        int solved = 0;
        int perBatch = Math.max(1, BATCH / passK);
        for (int from = 0; from < examples.size(); from += perBatch) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + perBatch));
            List<List<SampledCompletion>> out = policy.sample(GrpoStep.encodePrompts(policy, batch), passK,
                    new SamplingSettings(temperature, 1.0, maxNewTokens, true), 7919L + from);
            List<Example> exs = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int p = 0; p < out.size(); p++) {
                for (SampledCompletion c : out.get(p)) {
                    exs.add(batch.get(p));
                    texts.add(policy.codec().decode(c.tokens()));
                }
            }
            List<RewardScorer.Scored> scored = rewards.score(exs, texts);
            for (int p = 0; p < out.size(); p++) {
                boolean any = false;
                for (int i = 0; i < passK; i++) {
                    any |= scored.get(p * passK + i).verdict() == Verdict.CORRECT;
                }
                solved += any ? 1 : 0;
            }
        }
        return (double) solved / examples.size();
    }

    /**
     * Evaluates a saved policy on a project's eval split.
     *
     * @param checkpoint a policy folder, or a run checkpoint folder holding {@code policy/}
     */
    public static double evaluateCheckpoint(org.grpowb.core.project.Project project, java.nio.file.Path checkpoint)
            throws java.io.IOException {
        return evaluateCheckpoint(project, checkpoint, Progress.NONE);
    }

    /** The same, telling {@code progress} after each batch (which may cancel it). */
    public static double evaluateCheckpoint(org.grpowb.core.project.Project project, java.nio.file.Path checkpoint,
                                            Progress progress) throws java.io.IOException {
        GradMode.offForThisThread();
        java.nio.file.Path dir = java.nio.file.Files.isDirectory(checkpoint.resolve("policy"))
                ? checkpoint.resolve("policy") : checkpoint;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ComputeDevice.current().device());
             RewardScorer r = new RewardScorer(project.rewards(), project.training().schedule().rewardTimeoutMs());
             PolicyModel policy = project.model().factory().load(m, dir)) {
            return new Evaluator(project.data().eval(), project.training().schedule().evalExamples(), r,
                    project.training().sampling().maxNewTokens()).accuracy(policy, progress);
        }
    }

    public int size() {
        return examples.size();
    }

    /** Accuracy in [0, 1]; NaN when there are no eval examples. */
    public double accuracy(PolicyModel policy) {
        return accuracy(policy, Progress.NONE);
    }

    /** Accuracy, telling {@code progress} after each batch (which may cancel it). */
    public double accuracy(PolicyModel policy, Progress progress) {
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        int correct = 0;
        for (int from = 0; from < examples.size(); from += BATCH) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + BATCH));
            List<List<SampledCompletion>> out = policy.sample(GrpoStep.encodePrompts(policy, batch), 1,
                    SamplingSettings.greedy(maxNewTokens), 0L);
            List<String> texts = new ArrayList<>();
            for (List<SampledCompletion> g : out) {
                texts.add(policy.codec().decode(g.get(0).tokens()));
            }
            for (RewardScorer.Scored s : rewards.score(batch, texts)) {
                correct += s.verdict() == Verdict.CORRECT ? 1 : 0;
            }
            progress.examplesDone(from + batch.size(), examples.size());
        }
        return (double) correct / examples.size();
    }
}
