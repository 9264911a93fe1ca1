package org.grpowb.core.thr;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step's Token Hidden Reward looks like as a whole. The THR paper finds the dynamics dominated by a few tokens
 * of large |THR|; the top-decile numbers show how concentrated a step is.
 *
 * <p>The top decile: q is the 90th percentile of |THR| over all the step's tokens, by linear interpolation between
 * order statistics (Hyndman and Fan's type 7, the default of numpy and R): with |THR| sorted ascending as
 * s_0 ≤ … ≤ s_{n−1}, x = 0.9·(n − 1), q = s_⌊x⌋ + (x − ⌊x⌋)·(s_⌊x⌋+1 − s_⌊x⌋). A token is in the top decile when
 * |THR| ≥ q and |THR| &gt; 0, so a step whose THR is all zero has none. Without ties, about 10% of the tokens are in it;
 * ties at q raise the share, zeros lower it. (q is not the dominance threshold τ, which is per group: a token's
 * dominance within its group is {@link GroupThr#dominant()}.)
 *
 * <p>Only groups that have THR count: a group with no correct completion, or no wrong one, has none (it is absent,
 * null in a step's list), and its tokens are not counted as zeros.
 *
 * @param tokens             tokens of the step, n
 * @param positiveMass       Σ THR over tokens with THR &gt; 0
 * @param negativeMass       Σ THR over tokens with THR &lt; 0: zero or negative, so positive + negative is the net THR
 * @param topDecileThreshold q, the 90th percentile of |THR| (0 for no tokens)
 * @param topDecileShare     tokens in the top decile / n (0 for no tokens)
 * @param topDecileMass      Σ |THR| over the top decile / Σ |THR| over all tokens (0 when all are zero)
 */
public record ThrSummary(int tokens, double positiveMass, double negativeMass, double topDecileThreshold,
                         double topDecileShare, double topDecileMass) {

    /** The summary of a step given per group, per rollout, per token; null groups (no THR) are left out. */
    public static ThrSummary of(List<float[][]> step) {
        int n = 0;
        for (float[][] group : step) {
            if (group == null) {
                continue;
            }
            for (float[] rollout : group) {
                n += rollout.length;
            }
        }
        float[] values = new float[n];
        int at = 0;
        for (float[][] group : step) {
            if (group == null) {
                continue;
            }
            for (float[] rollout : group) {
                System.arraycopy(rollout, 0, values, at, rollout.length);
                at += rollout.length;
            }
        }
        return of(values);
    }

    /** The summary of all the step's THR values, in any order. */
    public static ThrSummary of(float[] values) {
        int n = values.length;
        if (n == 0) {
            return new ThrSummary(0, 0, 0, 0, 0, 0);
        }
        double positive = 0;
        double negative = 0;
        double[] magnitude = new double[n];
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (v > 0) {
                positive += v;
            } else if (v < 0) {
                negative += v;
            }
            magnitude[i] = Math.abs(v);
        }
        double[] sorted = magnitude.clone();
        Arrays.sort(sorted);
        double x = 0.9 * (n - 1);
        int below = (int) Math.floor(x);
        double threshold = below + 1 < n ? sorted[below] + (x - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
        int top = 0;
        double topMass = 0;
        double totalMass = 0;
        for (double m : magnitude) {
            totalMass += m;
            if (m >= threshold && m > 0) {
                top++;
                topMass += m;
            }
        }
        return new ThrSummary(n, positive, negative, threshold, (double) top / n, totalMass > 0 ? topMass / totalMass : 0);
    }

    /**
     * As step metrics: {@code thr_pos_mass}, {@code thr_neg_mass}, {@code thr_top_decile_share},
     * {@code thr_top_decile_mass}.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("thr_pos_mass", positiveMass);
        m.put("thr_neg_mass", negativeMass);
        m.put("thr_top_decile_share", topDecileShare);
        m.put("thr_top_decile_mass", topDecileMass);
        return m;
    }
}
