package org.grpowb.core.thr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.grpowb.api.TokenFeatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * THR by hand on groups small enough to do on paper (s = gᵀ M⁺ h with M⁺ = Σ over every correct token of g hᵀ, own
 * completion included, g restricted to the group's tokens V*), then against the formula written out as loops.
 */
class TokenHiddenRewardTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /**
     * V = 3, d = 2, T = 3, three batch rows. The group is rows 2 and 0; row 1 belongs to another group, and the
     * padding positions hold junk, which THR must never read.
     *
     * <pre>
     * rollout 0 (row 2): y = 0, 1   π = (.5 .3 .2), (.2 .6 .2)   h = (1, 0), (0, 1)
     * rollout 1 (row 0): y = 0, 2   π = (.4 .4 .2), (.1 .1 .8)   h = (1, 1), (2, −1)
     * </pre>
     * V* = {0, 1, 2}, the whole vocabulary. Prediction errors e_y − π: g00 = (.5 −.3 −.2), g01 = (−.2 .4 −.2),
     * g10 = (.6 −.4 −.2), g11 = (−.1 −.1 .2).
     */
    private static TokenFeatures handGroup() {
        double[] junkPi = {0.3, 0.3, 0.4};
        double[][][] probs = {
                {{0.4, 0.4, 0.2}, {0.1, 0.1, 0.8}, junkPi},
                {junkPi, junkPi, junkPi},
                {{0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}, junkPi}};
        double[][][] hidden = {
                {{1, 1}, {2, -1}, {5, 5}},
                {{9, 9}, {9, 9}, {9, 9}},
                {{1, 0}, {0, 1}, {7, -7}}};
        double[][] mask = {{1, 1, 0}, {1, 1, 1}, {1, 1, 0}};
        return features(hidden, probs, mask, DataType.FLOAT64);
    }

    private static final int[] ROWS = {2, 0};
    private static final List<int[]> TOKENS = List.of(new int[] {0, 1}, new int[] {0, 2});

    /**
     * Only rollout 0 is correct, A = (1, −1). M⁺ = g00·h00ᵀ + g01·h01ᵀ has columns g00 and g01:
     * M⁺ = [[.5 −.2] [−.3 .4] [−.2 −.2]]. Then s = g · (M⁺h):
     * s00 = g00 · (.5 −.3 −.2) = .38, s01 = g01 · (−.2 .4 −.2) = .24,
     * s10 = g10 · (.3 .1 −.4) = .22, s11 = g11 · (1.2 −1 −.2) = −.06.
     * (By kernels: s10 = K(10,00) + K(10,01) = .46·1 − .24·1; s00 = ‖g00‖²·‖h00‖² + ⟨g00, g01⟩·⟨h00, h01⟩ = .38 + 0.)
     * The only correct completion's tokens have THR of their own: training on them raises its likelihood.
     * τ = β_τ · mean(.38, .24) = .31 β_τ.
     */
    @Test
    void theOnlyCorrectCompletionHasThrOfItsOwn() {
        GroupThr thr = TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {1, -1},
                new boolean[] {true, false}, 1.0);
        assertArrayEquals(new float[] {0.38f, 0.24f}, thr.thr()[0], 1e-7f);
        assertArrayEquals(new float[] {-0.22f, 0.06f}, thr.thr()[1], 1e-7f);
        assertEquals(0.31, thr.tau(), 1e-12);
        assertArrayEquals(new boolean[] {true, false}, thr.dominant()[0]);
        assertArrayEquals(new boolean[] {false, false}, thr.dominant()[1]);
        // β_τ = .5: τ = .155, and .24 and |−.22| pass it too
        GroupThr half = TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {1, -1},
                new boolean[] {true, false}, 0.5);
        assertEquals(0.155, half.tau(), 1e-12);
        assertArrayEquals(new boolean[] {true, true}, half.dominant()[0]);
        assertArrayEquals(new boolean[] {true, false}, half.dominant()[1]);
        assertEquals(3, half.dominantTokens());
        assertEquals(4, half.tokens());
    }

    /**
     * Two correct completions and a wrong one, V* = V = {0, 1, 2}, d = 2:
     * <pre>
     * rollout 0 (correct): y = 0, 1   π = (.5 .3 .2), (.2 .6 .2)   h = (1, 0), (0, 1)    A = .5
     * rollout 1 (correct): y = 0, 2   π = (.4 .4 .2), (.1 .1 .8)   h = (1, 1), (2, −1)   A = .5
     * rollout 2 (wrong):   y = 1      π = (.3 .3 .4)               h = (1, −1)           A = −1
     * </pre>
     * g as in {@link #handGroup()}, and g20 = (−.3 .7 −.4). M⁺'s columns: g00 + g10 + 2·g11 = (.9 −.9 0) and
     * g01 + g10 − g11 = (.5 .1 −.6). s00 = g00 · (.9 −.9 0) = .72, s01 = g01 · (.5 .1 −.6) = .06,
     * s10 = g10 · (1.4 −.8 −.6) = 1.28, s11 = g11 · (1.3 −1.9 .6) = .18, s20 = g20 · (.4 −1 .6) = −1.06.
     * THR = A·s: (.36, .03), (.64, .09), (1.06). τ = β_τ · min(mean(.72, .06), mean(1.28, .18)) = .39 β_τ, compared
     * with |THR|, which carries A while τ does not.
     */
    @Test
    void thresholdIsTheSmallestMeanScoreOfACorrectCompletion() {
        double[] junkPi = {0.25, 0.25, 0.5};
        TokenFeatures f = features(new double[][][] {
                        {{1, 0}, {0, 1}}, {{1, 1}, {2, -1}}, {{1, -1}, {3, 3}}},
                new double[][][] {
                        {{0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}}, {{0.4, 0.4, 0.2}, {0.1, 0.1, 0.8}}, {{0.3, 0.3, 0.4}, junkPi}},
                new double[][] {{1, 1}, {1, 1}, {1, 0}}, DataType.FLOAT64);
        List<int[]> tokens = List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {1});
        double[] a = {0.5, 0.5, -1};
        boolean[] correct = {true, true, false};
        GroupThr thr = TokenHiddenReward.ofGroup(f, tokens, a, correct, 1.0);
        assertArrayEquals(new float[] {0.36f, 0.03f}, thr.thr()[0], 1e-7f);
        assertArrayEquals(new float[] {0.64f, 0.09f}, thr.thr()[1], 1e-7f);
        assertArrayEquals(new float[] {1.06f}, thr.thr()[2], 1e-7f);
        assertEquals(0.39, thr.tau(), 1e-12);
        assertArrayEquals(new boolean[] {false, false}, thr.dominant()[0]);
        assertArrayEquals(new boolean[] {true, false}, thr.dominant()[1]);
        assertArrayEquals(new boolean[] {true}, thr.dominant()[2]);
        GroupThr doubled = TokenHiddenReward.ofGroup(f, tokens, a, correct, 2.0);
        assertEquals(0.78, doubled.tau(), 1e-12);
        assertArrayEquals(new boolean[] {false, false}, doubled.dominant()[1]);
        assertArrayEquals(new boolean[] {true}, doubled.dominant()[2]);
        assertEquals(1, doubled.dominantTokens());
    }

    /**
     * V = 3, but the group only uses tokens 0 and 2: V* = {0, 2}, and g keeps only those two columns.
     * <pre>
     * rollout 0 (correct): y = 2      π = (.2 .1 .7)               h = (1, 2)
     * rollout 1 (wrong):   y = 0, 2   π = (.5 .3 .2), (.1 .6 .3)   h = (1, −1), (0, 1)
     * </pre>
     * g on V*: g00 = (−.2 .3), g10 = (.5 −.2), g11 = (−.1 .7). M⁺ = g00·h00ᵀ = [[−.2 −.4] [.3 .6]].
     * s00 = g00 · (−1 1.5) = .65, s10 = g10 · (.2 −.3) = .16, s11 = g11 · (−.4 .6) = .46. (Over the whole vocabulary,
     * ⟨g10, g00⟩ would take −.03 from token 1's column as well: s10 = .13 instead.) A = (1, −1).
     */
    @Test
    void predictionErrorsAreRestrictedToTheGroupsTokens() {
        TokenFeatures f = features(new double[][][] {{{1, 2}, {4, 4}}, {{1, -1}, {0, 1}}},
                new double[][][] {{{0.2, 0.1, 0.7}, {0.3, 0.3, 0.4}}, {{0.5, 0.3, 0.2}, {0.1, 0.6, 0.3}}},
                new double[][] {{1, 0}, {1, 1}}, DataType.FLOAT64);
        GroupThr thr = TokenHiddenReward.ofGroup(f, List.of(new int[] {2}, new int[] {0, 2}), new double[] {1, -1},
                new boolean[] {true, false}, 0.5);
        assertArrayEquals(new float[] {0.65f}, thr.thr()[0], 1e-7f);
        assertArrayEquals(new float[] {-0.16f, -0.46f}, thr.thr()[1], 1e-7f);
        assertEquals(0.325, thr.tau(), 1e-12);
        assertArrayEquals(new boolean[] {true}, thr.dominant()[0]);
        assertArrayEquals(new boolean[] {false, true}, thr.dominant()[1]);
    }

    @Test
    void groupsWithoutBothVerdictsHaveNoThr() {
        assertNull(TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {-1, -1},
                new boolean[] {false, false}, 1.0));
        assertNull(TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {0, 0},
                new boolean[] {true, true}, 1.0));
        assertNotNull(TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {0, 0},
                new boolean[] {false, true}, 1.0));
    }

    /** Random groups with uneven lengths, an empty completion and scattered rows, in both precisions. */
    @Test
    void batchedComputationMatchesTheFormulaWrittenAsLoops() {
        Random random = new Random(3);
        int checked = 0;
        for (DataType dtype : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
            for (int trial = 0; trial < 8; trial++) {
                int[] rows = {3, 0, 4, 1};
                int[] lengths = {1, 3, 0, 4};
                Synthetic s = Synthetic.random(random, 6, 4, 3, 7, rows, lengths);
                double[] advantages = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
                boolean[] correct = {random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), random.nextBoolean()};
                GroupThr thr = TokenHiddenReward.ofGroup(s.features(dtype), rows, s.tokens, advantages, correct, 0.7);
                Reference expected = s.reference(rows, s.tokens, advantages, correct, 0.7);
                double tolerance = dtype == DataType.FLOAT64 ? 1e-6 : 1e-4;
                checked += assertMatches(expected, thr, tolerance, dtype + " trial " + trial);
            }
        }
        assertTrue(checked >= 8, checked + " groups with THR checked");
    }

    @Test
    void aStepIsItsGroupsInConsecutiveRows() {
        Random random = new Random(4);
        int[] lengths = {2, 3, 1, 3, 2};
        int[] rows = {0, 1, 2, 3, 4};
        Synthetic s = Synthetic.random(random, 5, 3, 2, 4, rows, lengths);
        TokenFeatures f = s.features(DataType.FLOAT64);
        double[] a1 = {1, -1};
        double[] a2 = {0.5, -0.25, 0.75};
        boolean[] c1 = {true, false};
        boolean[] c2 = {true, false, true};
        List<GroupThr> step = TokenHiddenReward.ofStep(f, List.of(s.tokens.subList(0, 2), s.tokens.subList(2, 5)),
                List.of(a1, a2), List.of(c1, c2), 1.0);
        List<GroupThr> alone = List.of(
                TokenHiddenReward.ofGroup(f, new int[] {0, 1}, s.tokens.subList(0, 2), a1, c1, 1.0),
                TokenHiddenReward.ofGroup(f, new int[] {2, 3, 4}, s.tokens.subList(2, 5), a2, c2, 1.0));
        for (int g = 0; g < 2; g++) {
            assertEquals(alone.get(g).tau(), step.get(g).tau(), 1e-12);
            for (int j = 0; j < alone.get(g).thr().length; j++) {
                assertArrayEquals(alone.get(g).thr()[j], step.get(g).thr()[j], 1e-7f);
                assertArrayEquals(alone.get(g).dominant()[j], step.get(g).dominant()[j]);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofStep(f,
                List.of(s.tokens.subList(0, 2)), List.of(a1), List.of(c1), 1.0));
        assertTrue(e.getMessage().contains("5 rows"), e.getMessage());
    }

    /**
     * A step batches its groups with THR, padded to the largest N and |V*|: an all-wrong group longer than the others
     * and an all-correct one are absent, and the others match the loops.
     */
    @Test
    void aStepMixesGroupsOfDifferentSizesAndVerdicts() {
        Random random = new Random(5);
        int[] lengths = {1, 2, 4, 4, 4, 3, 2, 2, 3};
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        Synthetic s = Synthetic.random(random, 9, 4, 3, 6, rows, lengths);
        TokenFeatures f = s.features(DataType.FLOAT64);
        double[] a1 = {1, -1};
        double[] a2 = {-0.5, -0.5, -0.5};
        double[] a3 = {0.3, -0.7};
        double[] a4 = {0, 0};
        boolean[] c1 = {true, false};
        boolean[] c2 = {false, false, false};
        boolean[] c3 = {false, true};
        boolean[] c4 = {true, true};
        List<GroupThr> step = TokenHiddenReward.ofStep(f, List.of(s.tokens.subList(0, 2), s.tokens.subList(2, 5),
                s.tokens.subList(5, 7), s.tokens.subList(7, 9)), List.of(a1, a2, a3, a4), List.of(c1, c2, c3, c4), 1.0);
        assertEquals(4, step.size());
        assertMatches(s.reference(new int[] {0, 1}, s.tokens.subList(0, 2), a1, c1, 1.0), step.get(0), 1e-6, "group 1");
        assertNull(step.get(1));
        assertMatches(s.reference(new int[] {5, 6}, s.tokens.subList(5, 7), a3, c3, 1.0), step.get(2), 1e-6, "group 3");
        assertNull(step.get(3));
    }

    @Test
    void tokensThatDisagreeWithTheMaskAreRefused() {
        List<int[]> tooLong = List.of(new int[] {0, 1, 2}, new int[] {0, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, tooLong, new double[] {1, -1}, new boolean[] {true, false}, 1.0));
        assertTrue(e.getMessage().contains("mask"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(handGroup(), ROWS,
                List.of(new int[] {0, 3}, new int[] {0, 2}), new double[] {1, -1}, new boolean[] {true, false}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), new int[] {2, 3}, TOKENS, new double[] {1, -1}, new boolean[] {true, false}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, TOKENS, new double[] {1}, new boolean[] {true, false}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, TOKENS, new double[] {1, -1}, new boolean[] {true, false}, -1.0));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, TOKENS, new double[] {1, -1}, new boolean[] {true, false}, Double.NaN));
    }

    /** Returns 1 when the group has THR and matched, 0 when both agree it has none. */
    private static int assertMatches(Reference expected, GroupThr actual, double tolerance, String what) {
        if (expected == null) {
            assertNull(actual, what);
            return 0;
        }
        assertNotNull(actual, what);
        assertEquals(expected.tau, actual.tau(), tolerance * Math.max(1, Math.abs(expected.tau)), what + " τ");
        for (int j = 0; j < expected.thr.length; j++) {
            assertEquals(expected.thr[j].length, actual.thr()[j].length, what);
            for (int k = 0; k < expected.thr[j].length; k++) {
                double e = expected.thr[j][k];
                String token = what + " token (" + j + ", " + k + ")";
                assertEquals(e, actual.thr()[j][k], tolerance * Math.max(1, Math.abs(e)), token);
                if (Math.abs(Math.abs(e) - expected.tau) > 10 * tolerance * Math.max(1, Math.abs(e))) {
                    assertEquals(Math.abs(e) > expected.tau, actual.dominant()[j][k], token + " dominance");
                }
            }
        }
        return 1;
    }

    /**
     * The factored form (h, W, log Z) a large-vocabulary model gives gives the THR the dense (B, T, V) form gives: π is
     * the same softmax, read only at the group's vocabulary.
     */
    @Test
    void factoredFeaturesGiveTheThrOfTheDenseDistribution() {
        Random random = new Random(17);
        int rows = 4;
        int steps = 5;
        int d = 6;
        int v = 40;
        double[][][] hidden = new double[rows][steps][d];
        double[][] w = new double[v][d];
        for (double[] row : w) {
            for (int k = 0; k < d; k++) {
                row[k] = random.nextGaussian();
            }
        }
        double[][][] probs = new double[rows][steps][v];
        double[][] logZ = new double[rows][steps];
        double[][] mask = new double[rows][steps];
        int[] lengths = {5, 3, 4, 2};
        List<int[]> tokens = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int[] y = new int[lengths[r]];
            for (int t = 0; t < steps; t++) {
                for (int k = 0; k < d; k++) {
                    hidden[r][t][k] = random.nextGaussian();
                }
                double[] logits = new double[v];
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u < v; u++) {
                    for (int k = 0; k < d; k++) {
                        logits[u] += hidden[r][t][k] * w[u][k];
                    }
                    max = Math.max(max, logits[u]);
                }
                double z = 0;
                for (int u = 0; u < v; u++) {
                    z += Math.exp(logits[u] - max);
                }
                logZ[r][t] = max + Math.log(z);
                for (int u = 0; u < v; u++) {
                    probs[r][t][u] = Math.exp(logits[u] - logZ[r][t]);
                }
                if (t < lengths[r]) {
                    mask[r][t] = 1;
                    y[t] = random.nextInt(v);
                }
            }
            tokens.add(y);
        }
        double[] advantages = {1, -1, 1, -1};
        boolean[] correct = {true, false, true, false};
        GroupThr dense = TokenHiddenReward.ofGroup(features(hidden, probs, mask, DataType.FLOAT64), tokens, advantages,
                correct, TokenHiddenReward.PAPER_TAU_BETA);
        TokenFeatures factored = TokenFeatures.factored(array(flatten(hidden), new Shape(rows, steps, d), DataType.FLOAT64),
                array(flatten(w), new Shape(v, d), DataType.FLOAT64),
                array(flatten(logZ), new Shape(rows, steps), DataType.FLOAT64),
                array(flatten(mask), new Shape(rows, steps), DataType.FLOAT64));
        GroupThr fromFactors = TokenHiddenReward.ofGroup(factored, tokens, advantages, correct,
                TokenHiddenReward.PAPER_TAU_BETA);
        assertEquals(dense.tau(), fromFactors.tau(), 1e-9);
        for (int j = 0; j < rows; j++) {
            assertEquals(lengths[j], fromFactors.thr()[j].length);
            for (int k = 0; k < lengths[j]; k++) {
                assertEquals(dense.thr()[j][k], fromFactors.thr()[j][k], 1e-9 * Math.max(1, Math.abs(dense.thr()[j][k])));
                assertEquals(dense.dominant()[j][k], fromFactors.dominant()[j][k]);
            }
        }
        // materialised, the factored form is the softmax at real tokens and zero at padding
        double[] materialised = factored.probs().toDoubleArray();
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                for (int u = 0; u < v; u++) {
                    assertEquals(probs[r][t][u] * mask[r][t], materialised[(r * steps + t) * v + u], 1e-12);
                }
            }
        }
    }

    private static TokenFeatures features(double[][][] hidden, double[][][] probs, double[][] mask, DataType dtype) {
        int b = hidden.length;
        int t = hidden[0].length;
        int d = hidden[0][0].length;
        int v = probs[0][0].length;
        return TokenFeatures.dense(array(flatten(hidden), new Shape(b, t, d), dtype),
                array(flatten(probs), new Shape(b, t, v), dtype), array(flatten(mask), new Shape(b, t), dtype));
    }

    private static ai.djl.ndarray.NDArray array(double[] values, Shape shape, DataType dtype) {
        return manager.create(values, shape).toType(dtype, false);
    }

    private static double[] flatten(double[][][] x) {
        return Arrays.stream(x).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double[] flatten(double[][] x) {
        return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
    }

    private record Reference(double[][] thr, double tau) {
    }

    /** Random features of a batch (junk everywhere, softmax-normalised probabilities) and a group in some of its rows. */
    private record Synthetic(double[][][] hidden, double[][][] probs, double[][] mask, List<int[]> tokens) {

        static Synthetic random(Random random, int batchRows, int steps, int d, int v, int[] rows, int[] lengths) {
            double[][][] hidden = new double[batchRows][steps][d];
            double[][][] probs = new double[batchRows][steps][v];
            double[][] mask = new double[batchRows][steps];
            for (int r = 0; r < batchRows; r++) {
                for (int t = 0; t < steps; t++) {
                    double total = 0;
                    for (int k = 0; k < v; k++) {
                        probs[r][t][k] = Math.exp(2 * random.nextGaussian());
                        total += probs[r][t][k];
                    }
                    for (int k = 0; k < v; k++) {
                        probs[r][t][k] /= total;
                    }
                    for (int k = 0; k < d; k++) {
                        hidden[r][t][k] = random.nextGaussian();
                    }
                    mask[r][t] = 1; // rows outside the group are full
                }
            }
            List<int[]> tokens = new ArrayList<>();
            for (int j = 0; j < rows.length; j++) {
                int[] y = new int[lengths[j]];
                for (int k = 0; k < y.length; k++) {
                    y[k] = random.nextInt(4); // fewer ids than the vocabulary: they repeat, and V* is a proper subset
                }
                tokens.add(y);
                for (int t = 0; t < steps; t++) {
                    mask[rows[j]][t] = t < y.length ? 1 : 0;
                }
            }
            return new Synthetic(hidden, probs, mask, tokens);
        }

        TokenFeatures features(DataType dtype) {
            return TokenHiddenRewardTest.features(hidden, probs, mask, dtype);
        }

        /**
         * algorithms.md's formula, term by term: s_jk = Σ_{i correct} Σ_l K_pred · K_hidden with K_pred summed over V*
         * only; null when the group has no correct completion with tokens or no wrong one.
         */
        Reference reference(int[] rows, List<int[]> group, double[] advantages, boolean[] correct, double tauBeta) {
            TreeSet<Integer> vStar = new TreeSet<>();
            boolean influenced = false;
            boolean wrong = false;
            for (int i = 0; i < rows.length; i++) {
                Arrays.stream(group.get(i)).forEach(vStar::add);
                influenced |= correct[i] && group.get(i).length > 0;
                wrong |= !correct[i];
            }
            if (!influenced || !wrong) {
                return null;
            }
            double[][] thr = new double[rows.length][];
            double tau = Double.POSITIVE_INFINITY;
            for (int j = 0; j < rows.length; j++) {
                int[] yj = group.get(j);
                thr[j] = new double[yj.length];
                double scoreSum = 0;
                for (int k = 0; k < yj.length; k++) {
                    double[] piJ = probs[rows[j]][k];
                    double[] hJ = hidden[rows[j]][k];
                    double s = 0;
                    for (int i = 0; i < rows.length; i++) {
                        int[] yi = group.get(i);
                        if (!correct[i]) {
                            continue;
                        }
                        for (int l = 0; l < yi.length; l++) {
                            double[] piI = probs[rows[i]][l];
                            double kPred = 0;
                            for (int v : vStar) {
                                kPred += ((yj[k] == v ? 1 : 0) - piJ[v]) * ((yi[l] == v ? 1 : 0) - piI[v]);
                            }
                            s += kPred * dot(hJ, hidden[rows[i]][l]);
                        }
                    }
                    thr[j][k] = advantages[j] * s;
                    scoreSum += s;
                }
                if (correct[j] && yj.length > 0) {
                    tau = Math.min(tau, tauBeta * scoreSum / yj.length);
                }
            }
            return new Reference(thr, tau);
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }
    }
}
