package org.grpowb.core.thr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.TokenFeatures;

/**
 * Token Hidden Reward ("Token Hidden Reward: Steering Exploration-Exploitation in Group Relative Deep Reinforcement
 * Learning", Deng et al., Oct 2025): how much a gradient step on token k of rollout j changes the log-likelihood of the
 * group's other correct completions, to first order, when only the unembedding W moves and the hidden states stay
 * fixed (the paper's unconstrained-features view, from its predecessor "On the Effect of Negative Gradient in Group
 * Relative Deep Reinforcement Optimization", Deng et al. 2025).
 *
 * <p>Since ∇_W log π(y | h) = (e_y − π)·hᵀ, a step of size η on −A_j·log π(y_jk) moves W by η·A_j·(e_{y_jk} − π_jk)·h_jkᵀ,
 * and log π(y_il) by η times
 * <pre>
 *   THR_{j,k} = A_j · Σ_{i correct, i≠j} (1/|y_i|) Σ_l K_pred((j,k),(i,l)) · K_hidden((j,k),(i,l))
 *   K_pred    = ⟨e_{y_jk} − π_jk, e_{y_il} − π_il⟩ = [y_jk = y_il] − π_jk(y_il) − π_il(y_jk) + ⟨π_jk, π_il⟩
 *   K_hidden  = ⟨h_jk, h_il⟩
 * </pre>
 * where π_jk is the full next-token distribution that predicted y_jk and h_jk the hidden state fed to the unembedding.
 * Positive THR: training on the token raises the correct completions' likelihood (exploitation); negative: it takes
 * mass from them (keeps alternatives alive: exploration).
 *
 * <p>Normalisation follows {@code algorithms.md}: each correct completion counts by its mean over tokens (1/|y_i|),
 * as the sequence-mean GRPO objective weighs it, and A_j multiplies. The learning-rate and 1/(G·|y_j|) factors of a
 * real GRPO step are left out: they are positive and, for the reweighting that only reads THR's sign, change nothing.
 * NTHR's token score sums over correct tokens without 1/|y_i| and without A_j; we could not read the THR paper's
 * equation from here to check whether it averages per completion (check when it is to hand).
 *
 * <p>With a tied unembedding (tiny-gpt's default) a real step also moves the input embedding and so the hidden states;
 * THR keeps the last-layer view regardless, as the paper does.
 *
 * <p>Computed with batched array operations: a group's N completion tokens are gathered into their prediction
 * errors R = E − P (N×V, E one-hot) and hidden states H (N×d), and the two kernels are the N×N products R·Rᵀ and
 * H·Hᵀ; a step's groups go side by side, padded to the largest N, as one (groups, N, N) batch. For a large vocabulary
 * the N×V matrices dominate memory; restricting V to the tokens the group used (as NTHR does) would be the next step.
 * Everything is detached: nothing here is recorded on the autograd tape.
 */
public final class TokenHiddenReward {

    private TokenHiddenReward() {
    }

    /**
     * THR of every token of every group of a step, whose rollouts fill the batch's rows group after group, in order
     * (as the engine scores them). All groups go through the device together, as one batch of per-group kernels.
     *
     * @param batch      last-layer features of all the step's rollouts: hidden (B, T, d), probs (B, T, V), mask (B, T)
     * @param tokens     per group, each rollout's completion token ids
     * @param advantages per group, each rollout's advantage A_j
     * @param correct    per group, which rollouts are correct
     * @return per group, per rollout, each token's THR
     * @throws IllegalArgumentException when the groups do not fill the batch exactly or their sizes disagree
     */
    public static List<float[][]> ofStep(TokenFeatures batch, List<List<int[]>> tokens, List<double[]> advantages,
                                         List<boolean[]> correct) {
        if (tokens.size() != advantages.size() || tokens.size() != correct.size()) {
            throw new IllegalArgumentException(tokens.size() + " groups of tokens, " + advantages.size()
                    + " of advantages, " + correct.size() + " of verdicts");
        }
        long batchRows = batch.mask().getShape().get(0);
        List<Group> groups = new ArrayList<>(tokens.size());
        int first = 0;
        for (int g = 0; g < tokens.size(); g++) {
            int[] rows = new int[tokens.get(g).size()];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = first + j;
            }
            first += rows.length;
            groups.add(new Group(rows, tokens.get(g), advantages.get(g), correct.get(g)));
        }
        if (first != batchRows) {
            throw new IllegalArgumentException("the groups have " + first + " rollouts, the batch " + batchRows + " rows");
        }
        return compute(batch, groups);
    }

    /**
     * THR of every token of one group whose features are the whole of {@code group} (rollout j in row j).
     *
     * @see #ofGroup(TokenFeatures, int[], List, double[], boolean[])
     */
    public static float[][] ofGroup(TokenFeatures group, List<int[]> tokens, double[] advantages, boolean[] correct) {
        int[] rows = new int[tokens.size()];
        for (int j = 0; j < rows.length; j++) {
            rows[j] = j;
        }
        return ofGroup(group, rows, tokens, advantages, correct);
    }

    /**
     * THR of every token of one group.
     *
     * @param batch      last-layer features of a batch that holds the group: hidden (B, T, d), probs (B, T, V),
     *                   mask (B, T) with the usual prefix layout (1 for the first |y_j| positions of row j)
     * @param rows       the batch row of each rollout of the group
     * @param tokens     each rollout's completion token ids y_j, as scored
     * @param advantages each rollout's advantage A_j
     * @param correct    which rollouts are correct; when none is, every THR is 0
     * @return THR_{j,k}: one array per rollout, of its length
     * @throws IllegalArgumentException when the sizes disagree, a row is outside the batch, a completion is longer
     *                                  than T, a token is outside the vocabulary or the mask does not match the lengths
     */
    public static float[][] ofGroup(TokenFeatures batch, int[] rows, List<int[]> tokens, double[] advantages,
                                    boolean[] correct) {
        return compute(batch, List.of(new Group(rows, tokens, advantages, correct))).get(0);
    }

    /** One group's rollouts: their batch rows, tokens, advantages and verdicts. */
    private record Group(int[] rows, List<int[]> tokens, double[] advantages, boolean[] correct) {

        Group {
            int size = rows.length;
            if (tokens.size() != size || advantages.length != size || correct.length != size) {
                throw new IllegalArgumentException(size + " rows, " + tokens.size() + " completions, "
                        + advantages.length + " advantages and " + correct.length + " verdicts: one each per rollout");
            }
        }

        int tokenCount() {
            int n = 0;
            for (int[] y : tokens) {
                n += y.length;
            }
            return n;
        }

        /** True when some correct rollout has tokens: otherwise nothing in the group can be influenced. */
        boolean anyCorrect() {
            for (int j = 0; j < rows.length; j++) {
                if (correct[j] && tokens.get(j).length > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private static List<float[][]> compute(TokenFeatures batch, List<Group> groups) {
        Shape shape = batch.hidden().getShape();
        int steps = Math.toIntExact(shape.get(1));
        int vocab = Math.toIntExact(batch.probs().getShape().get(2));
        check(batch, groups, steps, vocab);
        List<float[][]> out = new ArrayList<>(groups.size());
        int widest = 0;
        for (Group group : groups) {
            float[][] thr = new float[group.rows.length][];
            for (int j = 0; j < thr.length; j++) {
                thr[j] = new float[group.tokens.get(j).length];
            }
            out.add(thr);
            if (group.anyCorrect()) {
                widest = Math.max(widest, group.tokenCount());
            }
        }
        if (widest == 0) {
            return out; // no correct completion anywhere: all zero
        }
        // Groups side by side, each padded to the widest group's N tokens. Token a of group g: its place in the
        // flattened (B·T) batch, its id, its rollout, and the weight it carries as a token being influenced
        // (1/|y_i| when its rollout is correct, else 0). Padding gets weight 0 and rollout −1 and is never read back.
        int count = groups.size();
        long[] at = new long[count * widest];
        long[] ids = new long[count * widest];
        int[] rollout = new int[count * widest];
        double[] weight = new double[count * widest];
        Arrays.fill(rollout, -1);
        for (int g = 0; g < count; g++) {
            Group group = groups.get(g);
            if (!group.anyCorrect()) {
                continue;
            }
            int a = g * widest;
            for (int j = 0; j < group.rows.length; j++) {
                int[] y = group.tokens.get(j);
                for (int k = 0; k < y.length; k++, a++) {
                    at[a] = (long) group.rows[j] * steps + k;
                    ids[a] = y[k];
                    rollout[a] = j;
                    weight[a] = group.correct[j] ? 1.0 / y.length : 0.0;
                }
            }
        }
        double[] influence = influence(batch, count, widest, steps, vocab, at, ids, rollout, weight);
        for (int g = 0; g < count; g++) {
            Group group = groups.get(g);
            if (!group.anyCorrect()) {
                continue;
            }
            float[][] thr = out.get(g);
            int a = g * widest;
            for (int j = 0; j < thr.length; j++) {
                for (int k = 0; k < thr[j].length; k++, a++) {
                    thr[j][k] = (float) (group.advantages[j] * influence[a]);
                }
            }
        }
        return out;
    }

    /**
     * For every token a of every group: Σ_b [rollout(b) ≠ rollout(a)] · weight_b · K_pred(a, b) · K_hidden(a, b) over
     * the tokens b of the same group — THR before the advantage. Shapes: (groups, N, V) and (groups, N, d) gathered,
     * (groups, N, N) kernels.
     */
    private static double[] influence(TokenFeatures batch, int count, int widest, int steps, int vocab, long[] at,
                                      long[] ids, int[] rollout, double[] weight) {
        NDManager manager = batch.hidden().getManager();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = batch.hidden().stopGradient();
            DataType dtype = hidden.getDataType();
            long width = hidden.getShape().get(2);
            long flat = hidden.getShape().get(0) * steps;
            NDArray index = manager.create(at);
            NDArray h = hidden.reshape(flat, width).get(index).reshape(count, widest, width);
            NDArray p = batch.probs().stopGradient().reshape(flat, vocab).get(index).toType(dtype, false)
                    .reshape(count, widest, vocab);
            NDArray predictionError = manager.create(ids, new Shape(count, widest)).oneHot(vocab, dtype).sub(p);
            NDArray kPred = predictionError.matMul(predictionError.transpose(0, 2, 1));
            NDArray kHidden = h.matMul(h.transpose(0, 2, 1));
            NDArray owner = manager.create(rollout, new Shape(count, widest));
            NDArray otherRollout = owner.expandDims(2).neq(owner.expandDims(1)).toType(dtype, false);
            NDArray columnWeight = manager.create(weight, new Shape(count, 1, widest)).toType(dtype, false);
            NDArray sum = kPred.mul(kHidden).mul(otherRollout).mul(columnWeight).sum(new int[] {2});
            return sum.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /**
     * Rows inside the batch, completions no longer than T, tokens inside the vocabulary, and a mask that marks exactly
     * the first |y_j| positions of each row: otherwise tokens and features are misaligned.
     */
    private static void check(TokenFeatures batch, List<Group> groups, int steps, int vocab) {
        long batchRows = batch.hidden().getShape().get(0);
        double[] mask = null;
        for (Group group : groups) {
            for (int j = 0; j < group.rows.length; j++) {
                int row = group.rows[j];
                int[] y = group.tokens.get(j);
                if (row < 0 || row >= batchRows) {
                    throw new IllegalArgumentException("rollout " + j + ": row " + row + " is outside the batch of " + batchRows);
                }
                if (y.length > steps) {
                    throw new IllegalArgumentException("rollout " + j + " has " + y.length + " tokens, the features " + steps);
                }
                for (int id : y) {
                    if (id < 0 || id >= vocab) {
                        throw new IllegalArgumentException("rollout " + j + ": token " + id
                                + " is outside the vocabulary of " + vocab);
                    }
                }
                if (mask == null) {
                    mask = batch.mask().toType(DataType.FLOAT64, false).toDoubleArray();
                }
                for (int t = 0; t < steps; t++) {
                    if (mask[row * steps + t] != (t < y.length ? 1.0 : 0.0)) {
                        throw new IllegalArgumentException("rollout " + j + " (row " + row + ") has " + y.length
                                + " tokens but the features' mask differs at position " + t);
                    }
                }
            }
        }
    }

}
