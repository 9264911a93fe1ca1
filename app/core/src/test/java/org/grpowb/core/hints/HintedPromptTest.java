package org.grpowb.core.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HintedPromptTest {

    private static final List<String> HINTS = List.of("Carry the ten.", "Add the tens first.", "90+20=110.");

    @Test
    void tierZeroIsThePromptAsWritten() {
        assertEquals("91+27=", HintedPrompt.render("91+27=", HINTS, 0, HintedPrompt.DEFAULT_TEMPLATE));
        assertEquals("91+27=", HintedPrompt.render("91+27=", List.of(), 0, HintedPrompt.DEFAULT_TEMPLATE));
    }

    /** The hint comes first, so a raw prompt still ends where the completion starts. */
    @Test
    void tierTJoinsTheFirstTHintsBeforeThePrompt() {
        assertEquals("Hint: Carry the ten.\n91+27=",
                HintedPrompt.render("91+27=", HINTS, 1, HintedPrompt.DEFAULT_TEMPLATE));
        assertEquals("Hint: Carry the ten. Add the tens first.\n91+27=",
                HintedPrompt.render("91+27=", HINTS, 2, HintedPrompt.DEFAULT_TEMPLATE));
        assertEquals("Hint: Carry the ten. Add the tens first. 90+20=110.\n91+27=",
                HintedPrompt.render("91+27=", HINTS, 3, HintedPrompt.DEFAULT_TEMPLATE));
        assertEquals("[Carry the ten.] 91+27=", HintedPrompt.render("91+27=", HINTS, 1, "[{hints}] {prompt}"));
    }

    @Test
    void placeholdersInTheTextAreNotSubstitutedAgain() {
        assertEquals("Hint: write {prompt} twice\nsay {hints}",
                HintedPrompt.render("say {hints}", List.of("write {prompt} twice"), 1, HintedPrompt.DEFAULT_TEMPLATE));
    }

    @Test
    void refusesATemplateWithoutBothPlaceholdersAndATierOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HintedPrompt.render("91+27=", HINTS, 1, "Hint: {hints}"));
        assertEquals("hints.template: must contain both {hints} and {prompt}, got 'Hint: {hints}'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HintedPrompt.render("91+27=", HINTS, 0, "{prompt}"));
        assertEquals("hints.template: must contain both {hints} and {prompt}, got '{prompt}'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HintedPrompt.render("91+27=", HINTS, 4, HintedPrompt.DEFAULT_TEMPLATE));
        assertEquals("hint tier 4 out of range: the problem has 3 hint(s)", e.getMessage());
    }
}
