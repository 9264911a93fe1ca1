package org.grpowb.core.thr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.grpowb.api.TokenFeatures;

/**
 * Token Hidden Reward ("Token Hidden Reward: Steering Exploration-Exploitation in Group Relative Deep Reinforcement
 * Learning", Deng et al. 2025, arXiv 2510.03669): how much a gradient step on token k of rollout j changes the
 * log-likelihood of its group's correct completions, to first order, when only the unembedding W moves and the hidden
 * states stay fixed (the last-layer view of its predecessor, NTHR: "On the Effect of Negative Gradient in Group
 * Relative Deep Reinforcement Optimization", Deng et al. 2025).
 *
 * <p>Since ∇_W log π(y | h) = (e_y − π)·hᵀ, a step of size η on −A_j·log π(y_jk) moves W by η·A_j·g_jk·h_jkᵀ, and
 * Σ_{i correct} Σ_l log π(y_il) by η times
 * <pre>
 *   THR_{j,k} = A_j · s_{j,k},   s_{j,k} = g_jkᵀ · M⁺ · h_jk,   M⁺ = Σ_{i correct} Σ_l g_il · h_ilᵀ
 *   g = e_y − π  (the prediction error),   h the hidden state fed to the unembedding
 * </pre>
 * or, token pair by token pair, s_{j,k} = Σ_{(i,l) correct} K_pred · K_hidden with K_pred = ⟨g_jk, g_il⟩ and
 * K_hidden = ⟨h_jk, h_il⟩. Positive THR: training on the token raises the correct completions' likelihood
 * (exploitation); negative: it takes mass from them (keeps alternatives alive: exploration).
 *
 * <p>The sum runs over every token of every correct completion, <em>the token's own completion included</em>, each
 * token once (no 1/|y_i|), as the NTHR authors' code does: leaving the own completion out made THR exactly 0 on every
 * token of a group's only correct completion, the commonest mixed group early in training, although training on those
 * tokens plainly raises that completion's likelihood. The learning-rate and 1/(G·|y_j|) factors of a real GRPO step
 * are left out: they are positive and scale every token of a rollout alike.
 *
 * <p>g is restricted to V*, the token ids that occur anywhere in the group, so M⁺ is |V*|×d (NTHR's restriction). Then
 * THR is exactly the first-order change when the step moves only V*'s rows of W; the rows it leaves out add
 * Σ_{v∉V*} π_jk(v)·π_il(v) to K_pred, small where the policy's mass sits on the group's own tokens. It is what keeps THR
 * affordable at a 150k vocabulary: the probabilities are read at V*'s columns only, never as N×V rows.
 *
 * <p>Dominance (NTHR's threshold, which the THR paper follows): τ = β_τ · min over correct completions i of
 * (1/|y_i|) Σ_l s_{i,l}, their smallest mean token score (without A), β_τ = 1 in the paper; token (j, k) is dominant
 * when |THR_{j,k}| &gt; τ. Groups with no correct completion, or only correct ones, have no THR: they come back null,
 * not as zeros. (A correct completion with no tokens counts as correct but has no mean score; a group whose correct
 * completions are all empty has nothing to influence and no THR either.)
 *
 * <p>With a tied unembedding (tiny-gpt's default) a real step also moves the input embedding and so the hidden states;
 * THR keeps the last-layer view regardless, as the paper does.
 *
 * <p>Computed with batched array operations over a whole step: a group's N completion tokens are gathered into their
 * prediction errors G (N×|V*|) and hidden states H (N×d); M⁺ = (w ⊙ G)ᵀ·H with w the correct-token indicator, and s is
 * the row-wise ⟨G·M⁺, H⟩, O(N·|V*|·d) rather than the N×N kernels' O(N²·(|V*| + d)). A step's groups with THR go side
 * by side, padded to the largest N and |V*|, as one batch; padded columns are masked and padded tokens never read back.
 * Everything is detached: nothing here is recorded on the autograd tape.
 */
public final class TokenHiddenReward {

    /** β_τ of the THR paper (and NTHR). */
    public static final double PAPER_TAU_BETA = 1.0;

    private TokenHiddenReward() {
    }

    /**
     * THR of every token of every group of a step, whose rollouts fill the batch's rows group after group, in order
     * (as the engine scores them). All groups with THR go through the device together, as one batch.
     *
     * @param batch      last-layer features of all the step's rollouts: hidden (B, T, d), probs (B, T, V), mask (B, T)
     * @param tokens     per group, each rollout's completion token ids
     * @param advantages per group, each rollout's advantage A_j
     * @param correct    per group, which rollouts are correct
     * @param tauBeta    β_τ, the dominance threshold's scale ({@link #PAPER_TAU_BETA} in the paper)
     * @return per group, its THR, or null when the group has none (no correct completion, or no wrong one)
     * @throws IllegalArgumentException when the groups do not fill the batch exactly or their sizes disagree
     */
    public static List<GroupThr> ofStep(TokenFeatures batch, List<List<int[]>> tokens, List<double[]> advantages,
                                        List<boolean[]> correct, double tauBeta) {
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
        return compute(batch, groups, tauBeta);
    }

    /**
     * THR of every token of one group whose features are the whole of {@code group} (rollout j in row j).
     *
     * @see #ofGroup(TokenFeatures, int[], List, double[], boolean[], double)
     */
    public static GroupThr ofGroup(TokenFeatures group, List<int[]> tokens, double[] advantages, boolean[] correct,
                                   double tauBeta) {
        int[] rows = new int[tokens.size()];
        for (int j = 0; j < rows.length; j++) {
            rows[j] = j;
        }
        return ofGroup(group, rows, tokens, advantages, correct, tauBeta);
    }

    /**
     * THR of every token of one group.
     *
     * @param batch      last-layer features of a batch that holds the group: hidden (B, T, d), probs (B, T, V),
     *                   mask (B, T) with the usual prefix layout (1 for the first |y_j| positions of row j)
     * @param rows       the batch row of each rollout of the group
     * @param tokens     each rollout's completion token ids y_j, as scored
     * @param advantages each rollout's advantage A_j
     * @param correct    which rollouts are correct
     * @param tauBeta    β_τ, the dominance threshold's scale
     * @return THR_{j,k}, τ and dominance; null when the group has no correct completion or no wrong one
     * @throws IllegalArgumentException when the sizes disagree, a row is outside the batch, a completion is longer
     *                                  than T, a token is outside the vocabulary, the mask does not match the lengths
     *                                  or β_τ is negative or not finite
     */
    public static GroupThr ofGroup(TokenFeatures batch, int[] rows, List<int[]> tokens, double[] advantages,
                                   boolean[] correct, double tauBeta) {
        return compute(batch, List.of(new Group(rows, tokens, advantages, correct)), tauBeta).get(0);
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

        /** Some correct completion has tokens to influence, and some rollout is wrong. */
        boolean hasThr() {
            boolean influenced = false;
            boolean wrong = false;
            for (int j = 0; j < rows.length; j++) {
                influenced |= correct[j] && tokens.get(j).length > 0;
                wrong |= !correct[j];
            }
            return influenced && wrong;
        }

        /** V*: the token ids that occur in the group, ascending. */
        int[] vocabulary() {
            TreeSet<Integer> ids = new TreeSet<>();
            for (int[] y : tokens) {
                for (int id : y) {
                    ids.add(id);
                }
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private static List<GroupThr> compute(TokenFeatures batch, List<Group> groups, double tauBeta) {
        if (!(tauBeta >= 0) || Double.isInfinite(tauBeta)) {
            throw new IllegalArgumentException("β_τ must be finite and at least 0, not " + tauBeta);
        }
        Shape shape = batch.hidden().getShape();
        int steps = Math.toIntExact(shape.get(1));
        int vocab = batch.vocabSize();
        check(batch, groups, steps, vocab);
        List<Group> present = new ArrayList<>();
        List<int[]> vocabularies = new ArrayList<>();
        int widest = 0;
        int widestVocabulary = 0;
        for (Group group : groups) {
            if (group.hasThr()) {
                present.add(group);
                int[] v = group.vocabulary();
                vocabularies.add(v);
                widest = Math.max(widest, group.tokenCount());
                widestVocabulary = Math.max(widestVocabulary, v.length);
            }
        }
        List<GroupThr> out = new ArrayList<>(groups.size());
        if (present.isEmpty()) {
            groups.forEach(g -> out.add(null));
            return out;
        }
        // Groups with THR side by side, each padded to the widest N tokens and |V*| columns. Token a of group g: its
        // place in the flattened (B·T) batch, the column of its id in the group's V*, and whether it is a token of a
        // correct completion (and so enters M⁺). Column u of group g: its vocabulary id, and 1 unless it is padding.
        int count = present.size();
        long[] at = new long[count * widest];
        long[] column = new long[count * widest];
        double[] inCorrect = new double[count * widest];
        long[] ids = new long[count * widestVocabulary];
        double[] realColumn = new double[count * widestVocabulary];
        for (int g = 0; g < count; g++) {
            Group group = present.get(g);
            int[] v = vocabularies.get(g);
            for (int u = 0; u < v.length; u++) {
                ids[g * widestVocabulary + u] = v[u];
                realColumn[g * widestVocabulary + u] = 1;
            }
            int a = g * widest;
            for (int j = 0; j < group.rows.length; j++) {
                int[] y = group.tokens.get(j);
                for (int k = 0; k < y.length; k++, a++) {
                    at[a] = (long) group.rows[j] * steps + k;
                    column[a] = Arrays.binarySearch(v, y[k]);
                    inCorrect[a] = group.correct[j] ? 1 : 0;
                }
            }
        }
        double[] s = scores(batch, count, widest, widestVocabulary, steps, at, column, inCorrect, ids, realColumn);
        int next = 0;
        for (Group group : groups) {
            if (group.hasThr()) {
                out.add(thr(group, s, next * widest, tauBeta));
                next++;
            } else {
                out.add(null);
            }
        }
        return out;
    }

    /** THR = A·s, τ and dominance of a group whose token scores start at {@code s[first]}. */
    private static GroupThr thr(Group group, double[] s, int first, double tauBeta) {
        int size = group.rows.length;
        double lowestMean = Double.POSITIVE_INFINITY;
        int a = first;
        for (int j = 0; j < size; j++) {
            int length = group.tokens.get(j).length;
            if (group.correct[j] && length > 0) {
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    sum += s[a + k];
                }
                lowestMean = Math.min(lowestMean, sum / length);
            }
            a += length;
        }
        double tau = tauBeta * lowestMean;
        float[][] thr = new float[size][];
        boolean[][] dominant = new boolean[size][];
        a = first;
        for (int j = 0; j < size; j++) {
            int length = group.tokens.get(j).length;
            thr[j] = new float[length];
            dominant[j] = new boolean[length];
            for (int k = 0; k < length; k++, a++) {
                double value = group.advantages[j] * s[a];
                thr[j][k] = (float) value;
                dominant[j][k] = Math.abs(value) > tau;
            }
        }
        return new GroupThr(thr, tau, dominant);
    }

    /**
     * s for every token a of every group, flattened (groups, N): with G (groups, N, |V*|) the prediction errors at V*'s
     * columns and H (groups, N, d) the hidden states, M⁺ = (w ⊙ G)ᵀ·H (groups, |V*|, d) and s = Σ_d (G·M⁺) ⊙ H.
     */
    private static double[] scores(TokenFeatures batch, int count, int widest, int widestVocabulary, int steps,
                                   long[] at, long[] column, double[] inCorrect, long[] ids, double[] realColumn) {
        NDManager manager = batch.hidden().getManager();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = batch.hidden().stopGradient();
            DataType dtype = hidden.getDataType();
            long width = hidden.getShape().get(2);
            long flat = hidden.getShape().get(0) * steps;
            NDArray positions = manager.create(at);
            NDArray h = hidden.reshape(flat, width).get(positions).reshape(count, widest, width);
            // π at V*'s columns only: never an N×V block
            NDArray p = batch.probabilitiesAt(positions.reshape(count, widest),
                    manager.create(ids, new Shape(count, widestVocabulary))).toType(dtype, false);
            NDArray columns = manager.create(realColumn, new Shape(count, 1, widestVocabulary)).toType(dtype, false);
            NDArray predictionError = manager.create(column, new Shape(count, widest)).oneHot(widestVocabulary, dtype)
                    .sub(p).mul(columns);
            NDArray correctTokens = manager.create(inCorrect, new Shape(count, widest, 1)).toType(dtype, false);
            NDArray mPlus = predictionError.mul(correctTokens).transpose(0, 2, 1).matMul(h);
            NDArray s = predictionError.matMul(mPlus).mul(h).sum(new int[] {2});
            return s.toType(DataType.FLOAT64, false).toDoubleArray();
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
