package org.grpowb.desktop.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InspectorModelTest {
    private final InspectorModel model = new InspectorModel(Steps.TEXT);

    @Test
    void anotherRunsTokenizerDecodesTheSameIds() {
        model.setStep(Steps.small());
        assertEquals(" the", model.tokenText(0, 0));
        model.setTokenText(id -> "<" + id + ">");
        assertEquals("<1>", model.tokenText(0, 0));
        assertTrue(model.tokenDetails(0, 0).contains("\"<1>\" (id 1)"), model.tokenDetails(0, 0));
    }

    @Test
    void advantageIsDivergingAroundZeroScaledByTheGroupsLargestMagnitude() {
        model.setStep(Steps.small());
        ColourScale s = model.getScale();
        assertEquals(Signal.Scale.DIVERGING, s.kind());
        // group 0's advantages are +0.75 and −0.25: the scale is ±0.75, so +0.75 is the far positive end
        assertEquals(-0.75, s.min(), 1e-6);
        assertEquals(0.75, s.max(), 1e-6);
        assertEquals(1.0, model.scalePosition(0, 0), 1e-6);
        assertEquals(0.5 - 0.5 * 0.25 / 0.75, model.scalePosition(1, 0), 1e-6);
        assertEquals(0.5, s.position(0), 0);
        assertTrue(model.colourAt(0, 0).getBlue() > model.colourAt(0, 0).getRed(), "positive is blue");
        assertTrue(model.colourAt(1, 0).getRed() > model.colourAt(1, 0).getBlue(), "negative is red");
    }

    @Test
    void logRatioIsDivergingAndEntropySequentialFromZero() {
        model.setStep(Steps.small());
        model.setSignal(Signal.RATIO);
        assertEquals(0.1, model.value(0, 0), 1e-6);
        assertTrue(model.scalePosition(0, 0) > 0.5);
        assertTrue(model.scalePosition(0, 1) < 0.5);
        assertEquals(0.5, model.scalePosition(0, 2), 1e-6);

        model.setSignal(Signal.ENTROPY);
        assertEquals(Signal.Scale.SEQUENTIAL, model.getScale().kind());
        assertEquals(0, model.getScale().min(), 0);
        assertEquals(1.2, model.getScale().max(), 1e-6);
        assertEquals(1.0, model.scalePosition(0, 1), 1e-6);
    }

    @Test
    void clippedIsBinaryAndMissingSignalsAreGrey() {
        model.setStep(Steps.small());
        model.setSignal(Signal.CLIPPED);
        assertEquals(1.0, model.scalePosition(0, 1), 0);
        assertEquals(0.0, model.scalePosition(0, 0), 0);
        model.setGroupIndex(1);
        assertNull(model.values(0), "group 1 was not trained: no clipping recorded");
        assertEquals(ColourScale.MISSING, model.colourAt(0, 0));
    }

    @Test
    void aThinnedRolloutHasItsTokensButNoValuesUnderAnySignal() {
        model.setStep(Steps.withAThinTrace());
        assertTrue(model.thinned(1));
        assertTrue(!model.thinned(0));
        for (Signal s : Signal.values()) {
            model.setSignal(s);
            assertNull(model.values(1), s.label());
            assertEquals(ColourScale.MISSING, model.colourAt(1, 0), s.label());
        }
        model.setSignal(Signal.ADVANTAGE);
        assertEquals(0.5, model.value(0, 0), 1e-6, "the full rollout beside it keeps its colour");
        assertEquals("t2", model.tokenText(1, 1));
        assertEquals("rollout 1 token 1 \"t2\" (id 2) · values not kept for this rollout (traces thinned)",
                model.tokenDetails(1, 1));
    }

    @Test
    void stepWideScaleSpansEveryGroup() {
        model.setStep(Steps.small());
        model.setSignal(Signal.LOGPROB);
        model.setGroupIndex(0);
        assertEquals(-2.0, model.getScale().min(), 1e-6);
        model.setScaleScope(InspectorModel.ScaleScope.STEP);
        assertEquals(-3.0, model.getScale().min(), 1e-6, "group 1 holds the step's lowest log-prob");
        assertEquals(0, model.getScale().max(), 0);
    }

    @Test
    void detailsCarryEveryValueOfTheToken() {
        model.setStep(Steps.small());
        String d = model.tokenDetails(0, 1);
        assertEquals("rollout 0 token 1 \"t2\" (id 2) · log-prob old -1.0000 · log-prob current -1.1000"
                + " · ratio " + InspectorModel.fmt(Math.exp(-1.1f - -1.0f)) + " · entropy 1.2000"
                + " · advantage 0.7500 · clipped yes · THR -0.3000", d);
        model.setGroupIndex(1);
        assertTrue(model.tokenDetails(0, 0).endsWith("log-prob current — · ratio — · entropy 0.2000"
                + " · advantage 0.7500 · clipped — · THR —"), model.tokenDetails(0, 0));
    }

    @Test
    void aNewStepWithFewerGroupsFallsBackToTheFirst() {
        model.setStep(Steps.small());
        model.setGroupIndex(1);
        model.setStep(Steps.large(3, 4));
        assertEquals(0, model.getGroupIndex());
        assertEquals(3, model.rolloutCount());
    }

    @Test
    void searchFindsCompletionsOfTheShownStep() {
        model.setStep(Steps.small());
        assertEquals(List.of(new InspectorModel.TextHit(0, 2, 3)), model.search("T8"));
        assertEquals(List.of(new InspectorModel.TextHit(0, 1, 2)), model.search("no"));
        assertEquals(List.of(new InspectorModel.TextHit(0, 0, 4)), model.search("4"));
        assertTrue(model.search("").isEmpty());
    }
}
