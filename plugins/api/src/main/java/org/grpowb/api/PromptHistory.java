package org.grpowb.api;

import java.util.List;

/**
 * What the engine remembers of one prompt's visits: how often it was drawn and, for its most recent visits, what its
 * group did. The engine keeps one per prompt id, checkpoints it and restores it on resume, so a sampler or hint policy
 * that decides from it decides the same way after a restart.
 *
 * @param promptId the example's id
 * @param visits   groups sampled for this prompt so far (every visit, not only the recent ones)
 * @param recent   the most recent visits, oldest first (at most a window the engine chooses, 16 by default)
 */
public record PromptHistory(String promptId, int visits, List<Visit> recent) {

    /**
     * One group of this prompt.
     *
     * @param step          the training step
     * @param tier          the hint tier the group was sampled with (0: no hint); where one rollout was replaced by
     *                      a hinted one, the tier of the rest of the group
     * @param hintedTier    the replacement rollout's tier, 0 when none was replaced
     * @param rollouts      rollouts in the group
     * @param correct       rollouts judged {@link Verdict#CORRECT}
     * @param hintedCorrect whether the replacement rollout was correct (false when there was none)
     * @param rewardMean    mean total reward of the group
     * @param zeroAdvantage every rollout's advantage was zero (the group carried no policy gradient)
     */
    public record Visit(int step, int tier, int hintedTier, int rollouts, int correct, boolean hintedCorrect,
                        double rewardMean, boolean zeroAdvantage) {

        /** Share of the group that was correct. */
        public double passRate() {
            return rollouts == 0 ? 0 : (double) correct / rollouts;
        }

        /** No rollout of the group was correct, the replacement one included. */
        public boolean allWrong() {
            return correct == 0;
        }
    }

    public PromptHistory {
        recent = List.copyOf(recent);
    }

    /** A prompt never drawn. */
    public static PromptHistory unseen(String promptId) {
        return new PromptHistory(promptId, 0, List.of());
    }

    /** Mean pass rate over the last {@code window} visits; NaN when never visited. */
    public double passRate(int window) {
        int n = Math.min(window, recent.size());
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = recent.size() - n; i < recent.size(); i++) {
            sum += recent.get(i).passRate();
        }
        return sum / n;
    }

    /** Mean pass rate over every recent visit; NaN when never visited. */
    public double passRate() {
        return passRate(recent.size());
    }

    /** Consecutive most recent visits whose groups were all wrong. */
    public int allWrongStreak() {
        int n = 0;
        for (int i = recent.size() - 1; i >= 0 && recent.get(i).allWrong(); i--) {
            n++;
        }
        return n;
    }

    /** Consecutive most recent visits whose groups carried no gradient (all rewards equal). */
    public int zeroAdvantageStreak() {
        int n = 0;
        for (int i = recent.size() - 1; i >= 0 && recent.get(i).zeroAdvantage(); i--) {
            n++;
        }
        return n;
    }

    /** The tier of the last visit, 0 when never visited. */
    public int lastTier() {
        return recent.isEmpty() ? 0 : recent.get(recent.size() - 1).tier();
    }

    /** This history after one more visit, keeping at most {@code window} recent visits. */
    public PromptHistory after(Visit visit, int window) {
        List<Visit> next = new java.util.ArrayList<>(recent);
        next.add(visit);
        while (next.size() > window) {
            next.remove(0);
        }
        return new PromptHistory(promptId, visits + 1, next);
    }
}
