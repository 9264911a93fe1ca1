package org.grpowb.core.thr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.grpowb.api.TokenFeatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** THR by hand on a group small enough to do on paper, then against the formula written out as loops. */
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
     * Prediction errors e_y − π: g00 = (.5 −.3 −.2), g01 = (−.2 .4 −.2), g10 = (.6 −.4 −.2), g11 = (−.1 −.1 .2).
     * Kernels between rollout 1 and rollout 0, K_pred · K_hidden:
     * (10,00) = .46 · 1 = .46; (10,01) = −.24 · 1 = −.24; (11,00) = −.06 · 2 = −.12; (11,01) = −.06 · (−1) = .06.
     * (Check of one K_pred by the expanded form: [0 = 0] − π10(0) − π00(0) + ⟨π10, π00⟩ = 1 − .4 − .5 + .36 = .46.)
     */
    @Test
    void oneCorrectRolloutByHand() {
        // only rollout 0 is correct: A = (1, −1). Rollout 0 has no other correct completion to influence, so 0;
        // THR_10 = −1 · (.46 − .24) / 2 = −.11 and THR_11 = −1 · (−.12 + .06) / 2 = +.03
        float[][] thr = TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {1, -1}, new boolean[] {true, false});
        assertArrayEquals(new float[] {0, 0}, thr[0], 1e-7f);
        assertArrayEquals(new float[] {-0.11f, 0.03f}, thr[1], 1e-7f);
    }

    @Test
    void bothCorrectByHand() {
        // A = (2, .5). THR_00 = 2 · (.46 − .12) / 2 = .34, THR_01 = 2 · (−.24 + .06) / 2 = −.18,
        // THR_10 = .5 · (.46 − .24) / 2 = .055, THR_11 = .5 · (−.12 + .06) / 2 = −.015
        float[][] thr = TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {2, 0.5}, new boolean[] {true, true});
        assertArrayEquals(new float[] {0.34f, -0.18f}, thr[0], 1e-7f);
        assertArrayEquals(new float[] {0.055f, -0.015f}, thr[1], 1e-7f);
    }

    @Test
    void noCorrectCompletionMeansNoThr() {
        float[][] thr = TokenHiddenReward.ofGroup(handGroup(), ROWS, TOKENS, new double[] {-1, -1}, new boolean[] {false, false});
        assertArrayEquals(new float[] {0, 0}, thr[0]);
        assertArrayEquals(new float[] {0, 0}, thr[1]);
    }

    /** Random groups with uneven lengths, an empty completion and scattered rows, in both precisions. */
    @Test
    void batchedKernelsMatchTheFormulaWrittenAsLoops() {
        Random random = new Random(3);
        for (DataType dtype : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
            for (int trial = 0; trial < 5; trial++) {
                int v = 5;
                int d = 3;
                int steps = 4;
                int[] rows = {3, 0, 4, 1};
                int[] lengths = {1, 3, 0, 4};
                Synthetic s = Synthetic.random(random, 6, steps, d, v, rows, lengths);
                double[] advantages = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
                boolean[] correct = {random.nextBoolean(), random.nextBoolean(), true, random.nextBoolean()};
                float[][] thr = TokenHiddenReward.ofGroup(s.features(dtype), rows, s.tokens, advantages, correct);
                double[][] expected = s.reference(rows, advantages, correct);
                double tolerance = dtype == DataType.FLOAT64 ? 1e-6 : 1e-4;
                for (int j = 0; j < rows.length; j++) {
                    assertEquals(lengths[j], thr[j].length);
                    for (int k = 0; k < lengths[j]; k++) {
                        assertEquals(expected[j][k], thr[j][k], tolerance * Math.max(1, Math.abs(expected[j][k])),
                                dtype + " trial " + trial + " token (" + j + ", " + k + ")");
                    }
                }
            }
        }
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
        List<float[][]> step = TokenHiddenReward.ofStep(f, List.of(s.tokens.subList(0, 2), s.tokens.subList(2, 5)),
                List.of(a1, a2), List.of(c1, c2));
        float[][] first = TokenHiddenReward.ofGroup(f, new int[] {0, 1}, s.tokens.subList(0, 2), a1, c1);
        float[][] second = TokenHiddenReward.ofGroup(f, new int[] {2, 3, 4}, s.tokens.subList(2, 5), a2, c2);
        for (int j = 0; j < 2; j++) {
            assertArrayEquals(first[j], step.get(0)[j]);
        }
        for (int j = 0; j < 3; j++) {
            assertArrayEquals(second[j], step.get(1)[j]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofStep(f,
                List.of(s.tokens.subList(0, 2)), List.of(a1), List.of(c1)));
        assertTrue(e.getMessage().contains("5 rows"), e.getMessage());
    }

    /** A step batches its groups, padded to the largest: an all-wrong group longer than the others stays all zero. */
    @Test
    void aStepMixesGroupsOfDifferentSizesAndVerdicts() {
        Random random = new Random(5);
        int[] lengths = {1, 2, 4, 4, 4, 3, 2};
        int[] rows = {0, 1, 2, 3, 4, 5, 6};
        Synthetic s = Synthetic.random(random, 7, 4, 3, 6, rows, lengths);
        TokenFeatures f = s.features(DataType.FLOAT64);
        double[] a1 = {1, -1};
        double[] a2 = {-0.5, -0.5, -0.5};
        double[] a3 = {0.3, -0.7};
        boolean[] c1 = {true, false};
        boolean[] c2 = {false, false, false};
        boolean[] c3 = {false, true};
        List<float[][]> step = TokenHiddenReward.ofStep(f, List.of(s.tokens.subList(0, 2), s.tokens.subList(2, 5),
                s.tokens.subList(5, 7)), List.of(a1, a2, a3), List.of(c1, c2, c3));
        double[][] first = s.reference(new int[] {0, 1}, s.tokens.subList(0, 2), a1, c1);
        double[][] third = s.reference(new int[] {5, 6}, s.tokens.subList(5, 7), a3, c3);
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < lengths[j]; k++) {
                assertEquals(first[j][k], step.get(0)[j][k], 1e-6 * Math.max(1, Math.abs(first[j][k])));
            }
            for (int k = 0; k < lengths[5 + j]; k++) {
                assertEquals(third[j][k], step.get(2)[j][k], 1e-6 * Math.max(1, Math.abs(third[j][k])));
            }
        }
        for (float[] rollout : step.get(1)) {
            assertArrayEquals(new float[4], rollout);
        }
    }

    @Test
    void tokensThatDisagreeWithTheMaskAreRefused() {
        List<int[]> tooLong = List.of(new int[] {0, 1, 2}, new int[] {0, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, tooLong, new double[] {1, -1}, new boolean[] {true, false}));
        assertTrue(e.getMessage().contains("mask"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, List.of(new int[] {0, 3}, new int[] {0, 2}), new double[] {1, -1}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), new int[] {2, 3}, TOKENS, new double[] {1, -1}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class, () -> TokenHiddenReward.ofGroup(
                handGroup(), ROWS, TOKENS, new double[] {1}, new boolean[] {true, false}));
    }

    private static TokenFeatures features(double[][][] hidden, double[][][] probs, double[][] mask, DataType dtype) {
        int b = hidden.length;
        int t = hidden[0].length;
        int d = hidden[0][0].length;
        int v = probs[0][0].length;
        return new TokenFeatures(array(flatten(hidden), new Shape(b, t, d), dtype),
                array(flatten(probs), new Shape(b, t, v), dtype), array(flatten(mask), new Shape(b, t), dtype));
    }

    private static ai.djl.ndarray.NDArray array(double[] values, Shape shape, DataType dtype) {
        return manager.create(values, shape).toType(dtype, false);
    }

    private static double[] flatten(double[][][] x) {
        List<Double> out = new ArrayList<>();
        for (double[][] a : x) {
            for (double[] b : a) {
                for (double c : b) {
                    out.add(c);
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] flatten(double[][] x) {
        return java.util.Arrays.stream(x).flatMapToDouble(java.util.Arrays::stream).toArray();
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
                    y[k] = random.nextInt(3); // a small alphabet, so tokens repeat across rollouts
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

        /** algorithms.md's formula, term by term. */
        double[][] reference(int[] rows, double[] advantages, boolean[] correct) {
            return reference(rows, tokens, advantages, correct);
        }

        /** The same, for a group made of some of the rollouts: {@code group.get(j)} in row {@code rows[j]}. */
        double[][] reference(int[] rows, List<int[]> group, double[] advantages, boolean[] correct) {
            double[][] thr = new double[rows.length][];
            for (int j = 0; j < rows.length; j++) {
                int[] yj = group.get(j);
                thr[j] = new double[yj.length];
                for (int k = 0; k < yj.length; k++) {
                    double[] piJ = probs[rows[j]][k];
                    double[] hJ = hidden[rows[j]][k];
                    double sum = 0;
                    for (int i = 0; i < rows.length; i++) {
                        int[] yi = group.get(i);
                        if (i == j || !correct[i]) {
                            continue;
                        }
                        for (int l = 0; l < yi.length; l++) {
                            double[] piI = probs[rows[i]][l];
                            double kPred = (yj[k] == yi[l] ? 1 : 0) - piJ[yi[l]] - piI[yj[k]] + dot(piJ, piI);
                            sum += kPred * dot(hJ, hidden[rows[i]][l]) / yi.length;
                        }
                    }
                    thr[j][k] = advantages[j] * sum;
                }
            }
            return thr;
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
