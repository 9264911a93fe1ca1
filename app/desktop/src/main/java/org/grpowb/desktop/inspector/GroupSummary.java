package org.grpowb.desktop.inspector;

import java.util.List;
import java.util.Locale;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;

/**
 * What a group has to show, in the group picker's words: its {@link Kind} and how many of its rollouts had their
 * advantage's sign flipped ({@link RolloutRecord#flipped()}).
 *
 * <p>The kind comes from the verifier when there is one: a rollout is correct when its {@link Verdict} is
 * {@link Verdict#CORRECT}, wrong when {@link Verdict#INCORRECT}, and rollouts without a verdict ({@code UNVERIFIED}, or
 * none recorded) are left out. A group some of whose rollouts were verified is {@link Kind#ALL_CORRECT},
 * {@link Kind#ALL_WRONG} or {@link Kind#MIXED} by those. A group none of whose rollouts was verified (a style or
 * length reward alone) has no notion of correct: it is {@link Kind#SAME_REWARD} when every rollout got the same total
 * reward, {@link Kind#VARIED_REWARD} otherwise. That is the honest name for what matters to GRPO: equal rewards give
 * every rollout the advantage 0, and the group teaches nothing.
 *
 * @param index   the group's index in its step
 * @param kind    correct/wrong mix, or reward spread where nothing was verified
 * @param flipped how many rollouts had a sign flip
 */
public record GroupSummary(int index, Kind kind, int flipped) {

    /** A group's outcome, as the picker names it. */
    public enum Kind {
        /** Some verified rollouts correct, some wrong: the advantages pull both ways. */
        MIXED("mixed", true),
        ALL_CORRECT("all correct", false),
        ALL_WRONG("all wrong", false),
        /** Nothing verified, and the rewards differ. */
        VARIED_REWARD("varied rewards", true),
        /** Nothing verified, and every reward is equal: every advantage is 0. */
        SAME_REWARD("all same reward", false);

        private final String label;
        private final boolean informative;

        Kind(String label, boolean informative) {
            this.label = label;
            this.informative = informative;
        }

        public String label() {
            return label;
        }

        /** Whether the group's rollouts differ in outcome, so that their advantages differ. */
        public boolean informative() {
            return informative;
        }
    }

    /** Classifies one group by the rule in the class comment. */
    public static GroupSummary of(GroupRecord g) {
        int verified = 0;
        int correct = 0;
        int flipped = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (RolloutRecord r : g.rollouts()) {
            if (r.verdict() == Verdict.CORRECT || r.verdict() == Verdict.INCORRECT) {
                verified++;
                correct += r.verdict() == Verdict.CORRECT ? 1 : 0;
            }
            flipped += r.flipped() ? 1 : 0;
            min = Math.min(min, r.reward());
            max = Math.max(max, r.reward());
        }
        Kind kind;
        if (verified > 0) {
            kind = correct == verified ? Kind.ALL_CORRECT : correct == 0 ? Kind.ALL_WRONG : Kind.MIXED;
        } else {
            kind = max > min ? Kind.VARIED_REWARD : Kind.SAME_REWARD;
        }
        return new GroupSummary(g.index(), kind, flipped);
    }

    /** Every group of a step, in order; empty for no step. */
    public static List<GroupSummary> of(StepRecord step) {
        return step == null ? List.of() : step.groups().stream().map(GroupSummary::of).toList();
    }

    /**
     * The group to open a step on: the first with a sign flip (the diagnosis the inspector is most often opened
     * for), else the first whose rollouts differ in outcome ({@link Kind#informative()}), else the first. Returns a
     * position in {@code step.groups()}; 0 for no step or an empty one.
     */
    public static int informative(StepRecord step) {
        List<GroupSummary> all = of(step);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).flipped() > 0) {
                return i;
            }
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).kind().informative()) {
                return i;
            }
        }
        return 0;
    }

    /** E.g. "group 3 · mixed · 2 flipped". */
    public String label() {
        return String.format(Locale.ROOT, "group %d · %s%s", index, kind.label(),
                flipped > 0 ? " · " + flipped + " flipped" : "");
    }
}
