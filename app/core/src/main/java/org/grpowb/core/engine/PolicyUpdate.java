package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.DifferentiableScores;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.TokenScores;
import org.grpowb.core.project.TrainingSettings;

/**
 * The optimiser steps of one generation batch, as TRL takes them: the batch's rollouts are shuffled and split into
 * {@code steps_per_generation} parts, each one optimiser step; the whole is repeated {@code update_iterations} (μ)
 * times. Only the first optimiser step is on-policy; every later one sees a policy that has moved since sampling, so
 * the importance ratio, its clip, LLDS's gate and OPMD's regulariser act on real drift.
 *
 * <p>π_old is the sampler's per-token log-prob. When there is a single optimiser step per batch (both settings 1),
 * π_old is π_θ detached instead, as TRL does: the ratio is then exactly 1 and its gradient exactly ∇log π_θ, so float
 * noise between sampler and scorer cannot make a tight clip (GSPO's 3e-4) fire. π_θ, π_old and π_ref are all taken at
 * the sampling temperature.
 *
 * <p>Each optimiser step is a batch of its own for the loss's normalisers (its rollouts and tokens), so the loss of
 * one step does not depend on how the generation batch was split. A non-finite loss or gradient norm ends the update
 * where it occurs: that optimiser step and the batch's remaining ones are skipped (the ones before it stand), and the
 * step is reported as skipped, which counts towards {@code max_nonfinite_in_a_row}.
 */
final class PolicyUpdate {

    /**
     * Losses and diagnostics of the update, plus the last pass's per-token log-probs and clip flags per row.
     *
     * @param loss     mean loss over the optimiser steps; NaN when the update was cut short by a non-finite value
     * @param metrics  the loss's metrics, averaged over rollouts and optimiser steps
     * @param gradNorm mean gradient norm (before clipping) over the optimiser steps
     */
    record Result(double loss, Map<String, Double> metrics, boolean nonFinite, double gradNorm,
                  Map<Long, float[]> currentLogProbs, Map<Long, byte[]> clipped) {
    }

    /** One rollout that enters the loss. */
    private record Row(long key, int[] prompt, int[] completion, float[] oldLogProbs, float[] advantages) {
    }

    private final PolicyModel policy;
    private final PolicyModel reference;
    private final AdamOptimizer optimizer;
    private final PolicyLoss loss;
    private final TrainingSettings settings;
    private final NDManager manager;

    PolicyUpdate(PolicyModel policy, PolicyModel reference, AdamOptimizer optimizer, PolicyLoss loss,
                 TrainingSettings settings, NDManager manager) {
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.loss = loss;
        this.settings = settings;
        this.manager = manager;
    }

    /** The key of rollout {@code rollout} of group {@code group} in the result's maps. */
    /** The sampling temperature of the step being updated (set by {@link #run}; training is single-threaded). */
    private double temperature;

    static long key(int group, int rollout) {
        return ((long) group << 32) | rollout;
    }

    Result run(ScoredBatch batch, List<GroupAdvantages> advantages, List<float[][]> tokenAdvantages, int step) {
        return run(batch, advantages, tokenAdvantages, step, settings.optimisation().learningRate(),
                settings.sampling().temperature());
    }

    /**
     * @param learningRate this step's Adam step size
     * @param temperature  the temperature the batch was sampled at: π_θ and π_ref are scored at it
     */
    Result run(ScoredBatch batch, List<GroupAdvantages> advantages, List<float[][]> tokenAdvantages, int step,
               double learningRate, double temperature) {
        this.temperature = temperature;
        List<Row> rows = rows(batch, advantages, tokenAdvantages);
        Map<Long, float[]> current = new HashMap<>();
        Map<Long, byte[]> clipped = new HashMap<>();
        if (rows.isEmpty()) {
            return new Result(0.0, Map.of(), false, 0.0, current, clipped);
        }
        List<List<Row>> parts = split(rows, step);
        boolean onPolicy = parts.size() == 1 && settings.optimisation().updateIterations() == 1;
        int n = rows.size();
        double lossSum = 0;
        double gradNormSum = 0;
        int optimiserSteps = 0;
        Map<String, Double> metricSums = new HashMap<>();
        for (int iter = 0; iter < settings.optimisation().updateIterations(); iter++) {
            boolean last = iter == settings.optimisation().updateIterations() - 1;
            for (List<Row> part : parts) {
                long activeTokens = part.stream().mapToLong(r -> r.completion().length).sum();
                double partLoss = 0;
                for (List<Row> micro : microBatches(part, settings.optimisation().microBatch(), settings.optimisation().microBatchTokens())) {
                    double value = microBatch(micro, part.size(), activeTokens, onPolicy, last, current, clipped,
                            (double) micro.size() / n / settings.optimisation().updateIterations(), metricSums);
                    if (!Double.isFinite(value)) {
                        optimizer.zeroGradients();
                        return new Result(Double.NaN, metricSums, true, Double.NaN, current, clipped);
                    }
                    partLoss += value;
                }
                double gradNorm = optimizer.step(learningRate, settings.optimisation().maxGradNorm());
                if (!Double.isFinite(gradNorm)) {
                    // the optimiser skipped the update; counted like a non-finite loss
                    return new Result(Double.NaN, metricSums, true, gradNorm, current, clipped);
                }
                lossSum += partLoss;
                gradNormSum += gradNorm;
                optimiserSteps++;
            }
        }
        return new Result(lossSum / optimiserSteps, metricSums, false, gradNormSum / optimiserSteps, current, clipped);
    }

    /**
     * The rows of an optimiser step cut, in order, into micro-batches of at most {@code maxRows} rows whose padded
     * batch — rows × (longest prompt + longest completion), what the forward pass holds activations for — stays
     * within {@code maxTokens}; a row longer than the budget goes alone. The loss takes the step's normalisers, so the
     * step's gradient is the same however it is cut.
     */
    static <R> List<List<R>> microBatches(List<R> rows, java.util.function.ToIntFunction<R> promptLength,
                                          java.util.function.ToIntFunction<R> completionLength, int maxRows,
                                          long maxTokens) {
        List<List<R>> out = new ArrayList<>();
        int from = 0;
        while (from < rows.size()) {
            int to = from + 1;
            int prompt = promptLength.applyAsInt(rows.get(from));
            int completion = completionLength.applyAsInt(rows.get(from));
            while (to < rows.size() && to - from < maxRows) {
                int p = Math.max(prompt, promptLength.applyAsInt(rows.get(to)));
                int c = Math.max(completion, completionLength.applyAsInt(rows.get(to)));
                if ((long) (to - from + 1) * (p + c) > maxTokens) {
                    break;
                }
                prompt = p;
                completion = c;
                to++;
            }
            out.add(rows.subList(from, to));
            from = to;
        }
        return out;
    }

    private static List<List<Row>> microBatches(List<Row> rows, int maxRows, long maxTokens) {
        return microBatches(rows, r -> r.prompt().length, r -> r.completion().length, maxRows, maxTokens);
    }

    /**
     * Forward and backward of one micro-batch of an optimiser step; returns its loss (NaN: nothing recorded).
     *
     * <p>The backward pass is split at the log-probs ({@link DifferentiableScores}): the loss is built on a leaf
     * holding π_θ's log-probs, one backward through the loss alone gives g = ∂L/∂log π, and the policy's backward
     * carries g on to the weights. The loss sees the same values as if it were built on the policy's tape, so the
     * variants need not know; the policy is free to keep its vocabulary-sized logits off the tape.
     */
    private double microBatch(List<Row> micro, int sequences, long activeTokens, boolean onPolicy, boolean last,
                              Map<Long, float[]> current, Map<Long, byte[]> clipped, double weight,
                              Map<String, Double> metricSums) {
        List<int[]> prompts = micro.stream().map(Row::prompt).toList();
        List<int[]> completions = micro.stream().map(Row::completion).toList();
        try (NDManager mb = manager.newSubManager()) {
            NDArray ref = reference == null ? null
                    : reference.score(mb, prompts, completions, temperature).logProbs().stopGradient();
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                DifferentiableScores scored = policy.scoreForUpdate(mb, prompts, completions, temperature);
                TokenScores cur = scored.values();
                NDArray logProbs = cur.logProbs().duplicate();
                logProbs.setRequiresGradient(true);
                DataType dt = logProbs.getDataType();
                Shape shape = logProbs.getShape();
                NDArray old = onPolicy ? logProbs.stopGradient()
                        : padded(mb, micro.stream().map(Row::oldLogProbs).toList(), shape, dt);
                NDArray adv = padded(mb, micro.stream().map(Row::advantages).toList(), shape, dt).mul(cur.mask());
                PolicyLossOutput out = loss.loss(new PolicyLossInput(logProbs, old, ref, adv, cur.mask(),
                        settings.sampling().groupSize(), settings.sampling().maxNewTokens(), activeTokens, sequences, cur.entropies()));
                double value = out.loss().toType(DataType.FLOAT64, false).getDouble();
                if (!Double.isFinite(value)) {
                    return value;
                }
                tape.backward(out.loss());
                scored.backward(tape, logProbs.getGradient());
                out.metrics().forEach((k, v) -> metricSums.merge(k, v * weight, Double::sum));
                if (last) {
                    keepTokenValues(cur.logProbs(), out.tokenClipped(), micro, current, clipped);
                }
                return value;
            }
        }
    }

    /** Every kept rollout with tokens, in group order. */
    private static List<Row> rows(ScoredBatch batch, List<GroupAdvantages> advantages, List<float[][]> tokenAdvantages) {
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            for (int i = 0; i < batch.groups().get(p).size(); i++) {
                SampledCompletion c = batch.groups().get(p).get(i);
                if (advantages.get(p).keep()[i] && c.length() > 0) {
                    rows.add(new Row(key(p, i), batch.rolloutPrompts().get(p).get(i), c.tokens(), c.logProbs(),
                            tokenAdvantages.get(p)[i]));
                }
            }
        }
        return rows;
    }

    /**
     * The rows shuffled (seeded by run seed and step, so a resumed run splits alike) and cut into
     * {@code steps_per_generation} parts of near-equal size; no part is empty. One part keeps the group order.
     */
    private List<List<Row>> split(List<Row> rows, int step) {
        int parts = Math.min(settings.optimisation().stepsPerGeneration(), rows.size());
        if (parts <= 1) {
            return List.of(rows);
        }
        List<Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(Seeds.derive(settings.schedule().seed(), step, Seeds.SHUFFLE)));
        List<List<Row>> out = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            out.add(shuffled.subList(k * shuffled.size() / parts, (k + 1) * shuffled.size() / parts));
        }
        return out;
    }

    private static void keepTokenValues(NDArray logProbs, NDArray clippedFlags, List<Row> rows,
                                        Map<Long, float[]> current, Map<Long, byte[]> clipped) {
        int t = (int) logProbs.getShape().get(1);
        float[] lp = logProbs.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        float[] cl = clippedFlags == null ? null
                : clippedFlags.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        for (int r = 0; r < rows.size(); r++) {
            int len = rows.get(r).completion().length;
            current.put(rows.get(r).key(), Arrays.copyOfRange(lp, r * t, r * t + len));
            if (cl != null) {
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) (cl[r * t + i] > 0 ? 1 : 0);
                }
                clipped.put(rows.get(r).key(), b);
            }
        }
    }

    private static NDArray padded(NDManager m, List<float[]> rows, Shape shape, DataType dt) {
        int b = (int) shape.get(0);
        int t = (int) shape.get(1);
        float[] flat = new float[b * t];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i);
            System.arraycopy(r, 0, flat, i * t, Math.min(r.length, t));
        }
        // A PyTorch-owned copy: an array wrapping a Java buffer has run-dependent memory alignment, which can change
        // the summation order of vectorised reductions and with it the last bits of the loss.
        return OwnedArrays.owned(m.create(flat, new Shape(b, t)), dt);
    }
}
