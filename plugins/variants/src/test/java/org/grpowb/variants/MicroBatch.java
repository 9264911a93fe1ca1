package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A policy-loss micro-batch written out as (B, T) tables of doubles: B completions padded to T tokens, the way a
 * paper's worked example lays them out. {@link PolicyLossFixture#input} turns it into a {@code PolicyLossInput}.
 *
 * <p>The loss tests write their running example by hand with {@link #of}; the gradient checks build a bigger, smooth
 * batch with {@link #completions}, whose log-ratios each test places away from its own loss's kinks.
 *
 * @param refLogProbs log π_ref, or null when the loss runs without a reference policy
 * @param entropies   per-token entropies, or null (only entropy-guided losses read them)
 */
record MicroBatch(double[][] logProbs, double[][] oldLogProbs, double[][] refLogProbs, double[][] advantages,
                  double[][] mask, double[][] entropies, int groupSize, int maxCompletionLength,
                  long globalActiveTokens, long globalSequences) {

    /** A micro-batch without a reference policy or entropies. */
    static MicroBatch of(double[][] logProbs, double[][] oldLogProbs, double[][] advantages, double[][] mask,
                         int groupSize, int maxCompletionLength, long globalActiveTokens, long globalSequences) {
        return new MicroBatch(logProbs, oldLogProbs, null, advantages, mask, null, groupSize, maxCompletionLength,
                globalActiveTokens, globalSequences);
    }

    /**
     * One rollout of two tokens, both padding, in a step that has no completion tokens at all: the loss must be 0,
     * not 0/0.
     */
    static MicroBatch withoutTokens() {
        double neg = Double.NEGATIVE_INFINITY;
        return of(new double[][]{{-1, -2}}, new double[][]{{neg, neg}}, new double[][]{{1, 1}},
                new double[][]{{0, 0}}, 2, 4, 0, 0);
    }

    MicroBatch withLogProbs(double[][] x) {
        return new MicroBatch(x, oldLogProbs, refLogProbs, advantages, mask, entropies, groupSize,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    MicroBatch withAdvantages(double[][] x) {
        return new MicroBatch(logProbs, oldLogProbs, refLogProbs, x, mask, entropies, groupSize,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    MicroBatch withReference(double[][] x) {
        return new MicroBatch(logProbs, oldLogProbs, x, advantages, mask, entropies, groupSize,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    MicroBatch withEntropies(double[][] x) {
        return new MicroBatch(logProbs, oldLogProbs, refLogProbs, advantages, mask, x, groupSize,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    MicroBatch withGroupSize(int g) {
        return new MicroBatch(logProbs, oldLogProbs, refLogProbs, advantages, mask, entropies, g,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    MicroBatch withMaxCompletionLength(int budget) {
        return new MicroBatch(logProbs, oldLogProbs, refLogProbs, advantages, mask, entropies, groupSize, budget,
                globalActiveTokens, globalSequences);
    }

    /**
     * This batch plus a dropped rollout: an all-padding row with log π_old = −∞ and junk log π_θ and advantage, which
     * must change neither the loss nor its metrics. The step-wide counts stay as they are. A reference or entropy
     * table must be set afterwards, with the dropped row's junk written out, so that the junk stays visible.
     */
    MicroBatch plusDroppedRollout(double junkLogProb, double junkAdvantage) {
        if (refLogProbs != null || entropies != null) {
            throw new IllegalStateException("set the reference and entropies after adding the dropped rollout");
        }
        int t = mask[0].length;
        return of(append(logProbs, filled(t, junkLogProb)), append(oldLogProbs, filled(t, Double.NEGATIVE_INFINITY)),
                append(advantages, filled(t, junkAdvantage)), append(mask, filled(t, 0)), groupSize,
                maxCompletionLength, globalActiveTokens, globalSequences);
    }

    /** Each completion alone, as a micro-batch of one row with the step-wide counts of the whole batch. */
    List<MicroBatch> rows() {
        List<MicroBatch> rows = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            rows.add(new MicroBatch(row(logProbs, i), row(oldLogProbs, i), row(refLogProbs, i), row(advantages, i),
                    row(mask, i), row(entropies, i), groupSize, maxCompletionLength, globalActiveTokens,
                    globalSequences));
        }
        return rows;
    }

    /**
     * Starts a gradient-check batch of completions with these lengths; {@link Builder#paddedTo} says T. Tokens get
     * distinct log-probs, log π_θ(y_{i,t}) = start − 0.3 t − 0.2 i, so no two entries of the tape coincide.
     */
    static Builder completions(int... lengths) {
        return new Builder(lengths.clone());
    }

    /**
     * Builds the smooth (B, T) batches that the gradient checks hand to {@link FiniteDifferences#check}. The caller
     * chooses the log-ratios Δ = log π_θ − log π_old, which decide on which side of each clip edge or gate a row sits.
     * By default padding is a dropped token (log π_θ = 0, log π_old = −∞, A = 0); {@link #paddingKeepsValues()}
     * instead gives it the row's log-probs, log-ratios and advantage, so that only the mask keeps it out of the loss.
     */
    static final class Builder {

        private final int[] lengths;
        private int tokens;
        private double start = Double.NaN;
        private double[] rowMeanLogRatio;
        private double[][] logRatio;
        private double[] referenceSteps;
        private double[] rowAdvantage;
        private double[][] entropies;
        private boolean paddingKeepsValues;
        private int groupSize;
        private int maxCompletionLength;

        private Builder(int[] lengths) {
            this.lengths = lengths;
        }

        /** T, the padded length. */
        Builder paddedTo(int t) {
            tokens = t;
            return this;
        }

        /** log π_θ(y_{i,t}) = start − 0.3 t − 0.2 i. */
        Builder logProbsFrom(double start) {
            this.start = start;
            return this;
        }

        /** Δ_{i,t}, token by token. */
        Builder logRatios(double[][] perToken) {
            logRatio = perToken;
            rowMeanLogRatio = null;
            return this;
        }

        /**
         * Δ_{i,t} = mean_i + spread_{i,t}: with spreads that sum to 0 over a completion, its sequence ratio
         * s_i = exp(mean_i) while its tokens' ratios scatter around it.
         */
        Builder logRatios(double[] rowMean, double[][] spread) {
            rowMeanLogRatio = rowMean;
            logRatio = spread;
            return this;
        }

        /** log π_ref = log π_θ + steps[(7k) mod n] at flat index k: a reference policy a few small steps away. */
        Builder reference(double... steps) {
            referenceSteps = steps;
            return this;
        }

        /** A_i, broadcast over the completion's tokens. */
        Builder advantages(double... perRow) {
            rowAdvantage = perRow;
            return this;
        }

        Builder entropies(double[][] perToken) {
            entropies = perToken;
            return this;
        }

        Builder paddingKeepsValues() {
            paddingKeepsValues = true;
            return this;
        }

        Builder groupSize(int g) {
            groupSize = g;
            return this;
        }

        Builder maxCompletionLength(int budget) {
            maxCompletionLength = budget;
            return this;
        }

        /** The batch as one whole step: every completion token and every row count globally. */
        MicroBatch build() {
            int rows = lengths.length;
            if (tokens < 1 || Double.isNaN(start) || logRatio == null || rowAdvantage == null) {
                throw new IllegalStateException("a gradient-check batch needs T, log-probs, log-ratios and advantages");
            }
            double[][] logp = new double[rows][tokens];
            double[][] old = new double[rows][tokens];
            double[][] ref = referenceSteps == null ? null : new double[rows][tokens];
            double[][] adv = new double[rows][tokens];
            double[][] mask = new double[rows][tokens];
            long active = 0;
            for (int i = 0; i < rows; i++) {
                for (int t = 0; t < tokens; t++) {
                    int k = i * tokens + t;
                    boolean real = t < lengths[i];
                    boolean valued = real || paddingKeepsValues;
                    logp[i][t] = valued ? start - 0.3 * t - 0.2 * i : 0;
                    old[i][t] = !valued ? Double.NEGATIVE_INFINITY
                            : rowMeanLogRatio == null ? logp[i][t] - logRatio[i][t]
                            : logp[i][t] - rowMeanLogRatio[i] - logRatio[i][t];
                    if (ref != null) {
                        ref[i][t] = logp[i][t] + referenceSteps[(k * 7) % referenceSteps.length];
                    }
                    adv[i][t] = valued ? rowAdvantage[i] : 0;
                    mask[i][t] = real ? 1 : 0;
                    active += real ? 1 : 0;
                }
            }
            return new MicroBatch(logp, old, ref, adv, mask, entropies, groupSize, maxCompletionLength, active, rows);
        }
    }

    private static double[] filled(int n, double value) {
        double[] row = new double[n];
        Arrays.fill(row, value);
        return row;
    }

    private static double[][] append(double[][] table, double[] row) {
        double[][] longer = Arrays.copyOf(table, table.length + 1);
        longer[table.length] = row;
        return longer;
    }

    private static double[][] row(double[][] table, int i) {
        return table == null ? null : new double[][]{table[i]};
    }
}
