package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.Verdict;

/**
 * Held-out exact match: greedy decoding on the eval split, judged by the project's verifying rewards. A rollout is
 * correct when no verifier said otherwise and at least one said correct.
 */
public final class Evaluator {

    private static final int BATCH = 256;

    private final List<Example> examples;
    private final RewardScorer rewards;
    private final int maxNewTokens;

    /** @param limit use the first {@code limit} examples (0: all) */
    public Evaluator(List<Example> examples, int limit, RewardScorer rewards, int maxNewTokens) {
        this.examples = limit > 0 && limit < examples.size() ? List.copyOf(examples.subList(0, limit)) : List.copyOf(examples);
        this.rewards = rewards;
        this.maxNewTokens = maxNewTokens;
    }

    /**
     * Evaluates a saved policy on a project's eval split.
     *
     * @param checkpoint a policy folder, or a run checkpoint folder holding {@code policy/}
     */
    public static double evaluateCheckpoint(org.grpowb.core.project.Project project, java.nio.file.Path checkpoint)
            throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.isDirectory(checkpoint.resolve("policy"))
                ? checkpoint.resolve("policy") : checkpoint;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             RewardScorer r = new RewardScorer(project.rewards(), project.training().rewardTimeoutMs());
             PolicyModel policy = project.model().factory().load(m, dir)) {
            return new Evaluator(project.data().eval(), project.training().evalExamples(), r,
                    project.training().maxNewTokens()).accuracy(policy);
        }
    }

    public int size() {
        return examples.size();
    }

    /** Accuracy in [0, 1]; NaN when there are no eval examples. */
    public double accuracy(PolicyModel policy) {
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
        }
        return (double) correct / examples.size();
    }
}
