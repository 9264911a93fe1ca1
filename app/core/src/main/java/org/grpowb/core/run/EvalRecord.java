package org.grpowb.core.run;

/**
 * A held-out evaluation at one step.
 *
 * @param step     the training step after which it ran (0 = before training)
 * @param accuracy share of eval examples answered correctly by greedy decoding (exact match)
 * @param examples number of eval examples
 * @param passAtK  share of eval examples with at least one correct answer among k samples at the training temperature;
 *                 NaN when not measured
 * @param k        the k of {@code passAtK} (0 when not measured)
 */
public record EvalRecord(int step, double accuracy, int examples, double passAtK, int k) {

    /** A greedy-only evaluation. */
    public EvalRecord(int step, double accuracy, int examples) {
        this(step, accuracy, examples, Double.NaN, 0);
    }
}
