package org.grpowb.core.run;

/**
 * A held-out evaluation at one step (greedy decoding, exact match).
 *
 * @param step     the training step after which it ran (0 = before training)
 * @param accuracy share of eval examples answered correctly
 * @param examples number of eval examples
 */
public record EvalRecord(int step, double accuracy, int examples) {
}
