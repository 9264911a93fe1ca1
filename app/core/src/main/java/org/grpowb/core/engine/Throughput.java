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
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.device.GemmCeiling;
import org.grpowb.core.device.ProcessMemory;
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
     * @param rows                   completions per step (prompts × G)
     * @param sampledTokens          completion tokens per sampling call
     * @param samplingKvTokensPerS   sampling throughput with the KV cache
     * @param samplingNoKvTokensPerS sampling throughput recomputing the prefix every token
     * @param trainTokensPerS        completion tokens through forward + backward per second
     * @param trainFlopsPerS         model FLOPs per second of forward + backward: per prompt-and-completion token,
     *                               2·N forward, 2·N for the activations' gradients and 2·T for the weights' (N the
     *                               matrices' elements, T those trained; 6·N in full fine-tuning, 4·N plus the
     *                               adapters' share with LoRA); attention's own products are not counted
     * @param gemmGflops             the device's float32 matrix-multiply ceiling measured in the same run (GFLOP/s)
     * @param trainMfu               trainFlopsPerS ÷ the GEMM ceiling
     * @param peakRssMb              the process's peak resident memory so far (MiB), −1 where unknown
     * @param device                 where it ran, and why
     */
    public record Result(int rows, long sampledTokens, double samplingKvTokensPerS, double samplingNoKvTokensPerS,
                         double trainTokensPerS, double trainFlopsPerS, double gemmGflops, double trainMfu,
                         long peakRssMb, String device, String model) {
    }

    /** Opens the policy to measure in the run's base manager. */
    @FunctionalInterface
    public interface PolicyOpener {
        PolicyModel open(NDManager base) throws IOException;
    }

    private Throughput() {
    }

    /** The project's own policy (its {@code model.init}, else random weights from its settings). */
    public static Result measure(Project project, int repeats) throws IOException {
        return measure(project, repeats, true);
    }

    /**
     * @param withoutCache also time sampling that recomputes the prefix every token (quadratic: minutes per call for a
     *                     0.5B model on a CPU); NaN when not
     */
    public static Result measure(Project project, int repeats, boolean withoutCache) throws IOException {
        return measure(project, base -> project.model().init() != null
                ? project.model().factory().load(base, project.model().init(), project.model().settings())
                : project.model().factory().create(base, project.model().settings(), project.training().schedule().seed()),
                repeats, withoutCache);
    }

    /** Any policy on the project's prompts and step shapes (e.g. {@code grpowb bench --model FOLDER}). */
    public static Result measure(Project project, PolicyOpener opener, int repeats, boolean withoutCache)
            throws IOException {
        GradMode.offForThisThread();
        TrainingSettings ts = project.training();
        // the prompts training's first step draws, hints rendered in
        List<String> batch = Steering.of(project).plan(1).groups().stream().map(StepPlanner.PlannedGroup::prompt)
                .toList();
        ComputeDevice device = ComputeDevice.current();
        try (NDManager base = NDManager.newBaseManager(device.device());
             PolicyModel policy = opener.open(base)) {
            List<int[]> prompts = batch.stream().map(policy::encodePrompt).toList();
            SamplingSettings kv = new SamplingSettings(ts.sampling().temperature(), ts.sampling().topP(), ts.sampling().maxNewTokens(), true);
            SamplingSettings noKv = new SamplingSettings(ts.sampling().temperature(), ts.sampling().topP(), ts.sampling().maxNewTokens(), false);
            List<List<SampledCompletion>> groups = policy.sample(prompts, ts.sampling().groupSize(), kv, 0); // warm-up
            if (withoutCache) {
                policy.sample(prompts, ts.sampling().groupSize(), noKv, 0);
            }
            double[] withKv = new double[repeats];
            double[] withoutKv = new double[repeats];
            double[] train = new double[repeats];
            long tokens = 0;
            long passTokens = 0;
            List<int[]> promptRows = new ArrayList<>();
            List<int[]> completionRows = new ArrayList<>();
            for (int p = 0; p < groups.size(); p++) {
                for (SampledCompletion c : groups.get(p)) {
                    promptRows.add(prompts.get(p));
                    completionRows.add(c.tokens());
                    tokens += c.length();
                    // every token but the last is an input of the scoring forward
                    passTokens += prompts.get(p).length + c.length() - 1;
                }
            }
            for (int r = 0; r < repeats; r++) {
                withKv[r] = tokensPerSecond(() -> policy.sample(prompts, ts.sampling().groupSize(), kv, 1));
                withoutKv[r] = withoutCache ? tokensPerSecond(() -> policy.sample(prompts, ts.sampling().groupSize(), noKv, 1))
                        : Double.NaN;
                long t0 = System.nanoTime();
                try (NDManager mb = base.newSubManager();
                     GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    // as an update takes it (see PolicyUpdate), for the loss −Σ log π, whose ∂/∂log π is −1
                    DifferentiableScores scored = policy.scoreForUpdate(mb, promptRows, completionRows, 1.0);
                    scored.backward(tape, scored.values().mask().neg());
                }
                train[r] = (System.nanoTime() - t0) / 1e9;
                for (NDArray p : policy.parameters().values()) {
                    p.getGradient().muli(0);
                }
            }
            double trainSeconds = median(train);
            long matmul = policy.matmulParameters();
            long trained = Math.min(matmul, policy.parameters().values().stream().mapToLong(NDArray::size).sum());
            double flops = (4.0 * matmul + 2.0 * trained) * passTokens / trainSeconds;
            double gemm = GemmCeiling.measure(base);
            long peak = ProcessMemory.peakRssBytes();
            return new Result(completionRows.size(), tokens, median(withKv), median(withoutKv), tokens / trainSeconds,
                    flops, gemm, flops / (gemm * 1e9), peak < 0 ? -1 : peak >> 20, device.line(), policy.describe());
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
