package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.DifferentiableScores;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.TrainingSettings;

/**
 * Measures a project's policy on the shapes one training step uses: sampling a step's groups with and without the
 * KV cache, and one scoring forward + backward pass over them. Speed claims come from here, never from unit tests.
 */
public final class Throughput {

    /**
     * Medians over the repeats.
     *
     * @param rows                 completions per step (prompts × G)
     * @param sampledTokens        completion tokens per sampling call
     * @param samplingKvTokensPerS sampling throughput with the KV cache
     * @param samplingNoKvTokensPerS sampling throughput recomputing the prefix every token
     * @param trainTokensPerS      completion tokens through forward + backward per second
     * @param device               where it ran
     */
    public record Result(int rows, long sampledTokens, double samplingKvTokensPerS, double samplingNoKvTokensPerS,
                         double trainTokensPerS, String device, String model) {
    }

    private Throughput() {
    }

    public static Result measure(Project project, int repeats) throws IOException {
        GradMode.offForThisThread();
        TrainingSettings ts = project.training();
        List<Example> batch = new PromptSampler(project.data().train(), ts.seed(), ts.promptsPerStep()).pick(1);
        try (NDManager base = NDManager.newBaseManager();
             PolicyModel policy = project.model().init() != null
                     ? project.model().factory().load(base, project.model().init())
                     : project.model().factory().create(base, project.model().settings(), ts.seed())) {
            List<int[]> prompts = GrpoStep.encodePrompts(policy, batch);
            SamplingSettings kv = new SamplingSettings(ts.temperature(), ts.topP(), ts.maxNewTokens(), true);
            SamplingSettings noKv = new SamplingSettings(ts.temperature(), ts.topP(), ts.maxNewTokens(), false);
            List<List<SampledCompletion>> groups = policy.sample(prompts, ts.groupSize(), kv, 0); // warm-up
            policy.sample(prompts, ts.groupSize(), noKv, 0);
            double[] withKv = new double[repeats];
            double[] withoutKv = new double[repeats];
            double[] train = new double[repeats];
            long tokens = 0;
            List<int[]> promptRows = new ArrayList<>();
            List<int[]> completionRows = new ArrayList<>();
            for (int p = 0; p < groups.size(); p++) {
                for (SampledCompletion c : groups.get(p)) {
                    promptRows.add(prompts.get(p));
                    completionRows.add(c.tokens());
                    tokens += c.length();
                }
            }
            for (int r = 0; r < repeats; r++) {
                withKv[r] = tokensPerSecond(() -> policy.sample(prompts, ts.groupSize(), kv, 1));
                withoutKv[r] = tokensPerSecond(() -> policy.sample(prompts, ts.groupSize(), noKv, 1));
                long t0 = System.nanoTime();
                try (NDManager mb = base.newSubManager();
                     GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    // as an update takes it (see PolicyUpdate), for the loss −Σ log π, whose ∂/∂log π is −1
                    DifferentiableScores scored = policy.scoreForUpdate(mb, promptRows, completionRows, 1.0);
                    tape.backward(scored.surrogate(scored.values().mask().neg()));
                }
                train[r] = tokens / ((System.nanoTime() - t0) / 1e9);
                for (NDArray p : policy.parameters().values()) {
                    p.getGradient().muli(0);
                }
            }
            return new Result(completionRows.size(), tokens, median(withKv), median(withoutKv), median(train),
                    policy.device().toString(), policy.describe());
        }
    }

    private static double tokensPerSecond(java.util.function.Supplier<List<List<SampledCompletion>>> call) {
        long t0 = System.nanoTime();
        List<List<SampledCompletion>> out = call.get();
        double s = (System.nanoTime() - t0) / 1e9;
        long n = out.stream().flatMap(List::stream).mapToLong(SampledCompletion::length).sum();
        return n / s;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
