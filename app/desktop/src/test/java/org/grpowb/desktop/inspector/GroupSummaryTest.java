package org.grpowb.desktop.inspector;

import static org.grpowb.api.Verdict.CORRECT;
import static org.grpowb.api.Verdict.INCORRECT;
import static org.grpowb.api.Verdict.UNVERIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.desktop.inspector.GroupSummary.Kind;
import org.junit.jupiter.api.Test;

/** The group picker's kinds and the group a step opens on, on hand-made groups. */
class GroupSummaryTest {
    private static final Verdict[] ONE_RIGHT = {CORRECT, INCORRECT, INCORRECT, INCORRECT};
    private static final Verdict[] ALL_WRONG = {INCORRECT, INCORRECT, INCORRECT, INCORRECT};
    private static final Verdict[] ALL_RIGHT = {CORRECT, CORRECT, CORRECT, CORRECT};
    private static final double[] REWARDS_1000 = {1, 0, 0, 0};
    private static final double[] ZEROS = {0, 0, 0, 0};
    private static final double[] ONES = {1, 1, 1, 1};

    private static GroupRecord mixed(int index, int... flipped) {
        return Steps.group(index, ONE_RIGHT, REWARDS_1000, flipped);
    }

    private static GroupRecord allWrong(int index) {
        return Steps.group(index, ALL_WRONG, ZEROS);
    }

    private static GroupRecord allRight(int index) {
        return Steps.group(index, ALL_RIGHT, ONES);
    }

    @Test
    void verdictsDecideTheKindWhereThereAreAny() {
        assertEquals(new GroupSummary(0, Kind.MIXED, 0), GroupSummary.of(mixed(0)));
        assertEquals(new GroupSummary(1, Kind.ALL_WRONG, 0), GroupSummary.of(allWrong(1)));
        assertEquals(new GroupSummary(2, Kind.ALL_CORRECT, 0), GroupSummary.of(allRight(2)));
        // all wrong, though the format reward gave two of them 0.1: still no correct answer among them
        assertEquals(Kind.ALL_WRONG, GroupSummary.of(Steps.group(3, ALL_WRONG, new double[] {0.1, 0, 0, 0.1})).kind());
        // unverified rollouts (and ones with no verdict stored) are left out: the two verified ones are correct
        assertEquals(Kind.ALL_CORRECT, GroupSummary.of(Steps.group(4, new Verdict[] {CORRECT, UNVERIFIED, null,
                CORRECT}, new double[] {1, 0.3, 0, 1})).kind());
    }

    @Test
    void withoutAVerifierTheRewardsSpreadDecides() {
        Verdict[] none = {UNVERIFIED, UNVERIFIED, UNVERIFIED};
        assertEquals(Kind.SAME_REWARD, GroupSummary.of(Steps.group(0, none, new double[] {0.5, 0.5, 0.5})).kind());
        assertEquals(Kind.VARIED_REWARD, GroupSummary.of(Steps.group(0, none, new double[] {0.5, 0.2, 0.5})).kind());
        assertEquals(Kind.SAME_REWARD, GroupSummary.of(Steps.group(0, new Verdict[] {null, null},
                new double[] {0, 0})).kind());
        assertTrue(Kind.VARIED_REWARD.informative() && Kind.MIXED.informative());
        assertFalse(Kind.SAME_REWARD.informative() || Kind.ALL_WRONG.informative() || Kind.ALL_CORRECT.informative());
    }

    @Test
    void flipsAreCountedAndNamed() {
        GroupSummary s = GroupSummary.of(mixed(3, 1, 2));
        assertEquals(2, s.flipped());
        assertEquals("group 3 · mixed · 2 flipped", s.label());
        assertEquals("group 1 · all wrong", GroupSummary.of(allWrong(1)).label());
        assertEquals("group 0 · all same reward", GroupSummary.of(Steps.group(0, new Verdict[] {UNVERIFIED},
                new double[] {0})).label());
    }

    @Test
    void aStepOpensOnItsFirstFlippedGroupElseItsFirstMixedOneElseTheFirst() {
        // flips win over an earlier mixed group
        assertEquals(2, GroupSummary.informative(Steps.ofGroups(1, allWrong(0), mixed(1), mixed(2, 3), allRight(3))));
        // a flip in an all-wrong group (an advantage sign flip needs no correct answer) counts as well
        assertEquals(1, GroupSummary.informative(Steps.ofGroups(1, allRight(0),
                Steps.group(1, ALL_WRONG, new double[] {0.1, 0, 0, 0.1}, 0), mixed(2))));
        assertEquals(2, GroupSummary.informative(Steps.ofGroups(1, allWrong(0), allRight(1), mixed(2))));
        assertEquals(0, GroupSummary.informative(Steps.ofGroups(1, allWrong(0), allRight(1))));
        assertEquals(0, GroupSummary.informative(Steps.ofGroups(1)));
        assertEquals(0, GroupSummary.informative(null));
        assertEquals(List.of(), GroupSummary.of((StepRecord) null));
    }

    @Test
    void eachNewStepIsRePickedUntilTheUserPicksAGroup() {
        InspectorModel model = new InspectorModel(Steps.TEXT);
        model.setStep(Steps.ofGroups(1, allWrong(0), allWrong(1), mixed(2)));
        assertEquals(2, model.getGroupIndex());
        assertEquals("Prompt 2", model.getGroup().prompt());
        assertFalse(model.isGroupChosen());
        model.setStep(Steps.ofGroups(2, allWrong(0), mixed(1, 0), mixed(2)));
        assertEquals(1, model.getGroupIndex(), "live: re-picked for the new step");
        assertEquals(4, model.rolloutCount());

        model.setGroupIndex(0); // the user's choice
        assertTrue(model.isGroupChosen());
        model.setStep(Steps.ofGroups(3, allWrong(0), mixed(1, 2), mixed(2)));
        assertEquals(0, model.getGroupIndex(), "the user's group is kept");
        assertEquals("Prompt 0", model.getGroup().prompt());

        model.followInformative();
        assertEquals(1, model.getGroupIndex());
        assertFalse(model.isGroupChosen());

        model.setGroupIndex(2);
        model.setStep(Steps.ofGroups(4, allWrong(0), mixed(1)));
        assertEquals(1, model.getGroupIndex(), "the chosen slot is gone: back to the informative group");
        assertFalse(model.isGroupChosen());
        model.setGroupIndex(0);
        model.setStep(null);
        assertFalse(model.isGroupChosen(), "clearing the views (another run) forgets the choice");
    }
}
