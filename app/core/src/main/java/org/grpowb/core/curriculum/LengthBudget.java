package org.grpowb.core.curriculum;

/**
 * The shrinking token budget of "Train Long, Think Short: Curriculum Learning for Efficient Reasoning" (2025):
 * training starts with a generous budget B_0 so the policy can first find solutions, and tightens it to
 * B_min so it then learns to state them concisely; the reward gains a length term against the current budget.
 * The paper finds a decaying budget beats a fixed one at the same final budget.
 *
 * <pre>  B(s) = round(B_0 + (B_min − B_0) · (s − 1) / (T − 1))    for step s of T (B_0 at step 1, B_min at step T)
 *  penalty(L, B) = −min(1, max(0, L − B) / B)</pre>
 *
 * The penalty is our form of the paper's length-efficiency signal: zero within budget, falling linearly with the
 * overshoot to −1 at twice the budget and clipped there, so one runaway completion cannot outweigh its correctness
 * reward by more than 1. The schedule is linear (the paper also ablates other decays).
 *
 * @param from B_0, tokens at step 1
 * @param to   B_min, tokens at the last step, at most {@code from}
 */
public record LengthBudget(int from, int to) {

    public LengthBudget {
        if (to < 1 || from < to) {
            throw new IllegalArgumentException("a length budget shrinks from 'from' to 'to' (1 <= to <= from), got from "
                    + from + ", to " + to);
        }
    }

    /** The budget in tokens at 1-based {@code step} of {@code totalSteps}; a one-step run keeps B_0. */
    public int budget(int step, int totalSteps) {
        if (totalSteps <= 1) {
            return from;
        }
        int s = Math.max(1, Math.min(step, totalSteps));
        return (int) Math.round(from + (double) (to - from) * (s - 1) / (totalSteps - 1));
    }

    /** The length term for a completion of {@code length} tokens against {@code budget}: in [−1, 0]. */
    public static double penalty(int length, int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1 token, got " + budget);
        }
        if (length <= budget) {
            return 0.0; // not −0.0
        }
        return -Math.min(1.0, (length - budget) / (double) budget);
    }
}
