package org.grpowb.desktop.inspector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.IntFunction;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.StepRecord;
import org.junit.jupiter.api.Test;

class InspectorRowLayoutsTest {
    /** Token texts with whitespace, an empty token and words longer than a box holds. */
    private static final IntFunction<String> TEXT = id -> switch (id % 6) {
        case 0 -> "\n";
        case 1 -> " the";
        case 2 -> "";
        case 3 -> " simultaneously";
        case 4 -> "\t";
        default -> "t" + id;
    };

    @Test
    void lazyRowLayoutsGiveTheSameBoxesAsLayingOutEveryRowUpFront() {
        StepRecord step = Steps.large(50, 100);
        GroupRecord g = step.groups().get(0);
        RowLayouts lazy = new RowLayouts(new TokenTexts(TEXT), 7.2, 17);
        for (int r = g.rollouts().size() - 1; r >= 0; r -= 3) { // out of order, as scrolling reaches them
            int[] ids = g.rollouts().get(r).trace().tokenIds();
            TokenLayout eager = TokenLayout.of(eagerChars(ids), 640, 7.2, 17);
            TokenLayout l = lazy.layout(g, r, 640);
            assertArrayEquals(eager.x, l.x, "rollout " + r);
            assertArrayEquals(eager.y, l.y, "rollout " + r);
            assertArrayEquals(eager.w, l.w, "rollout " + r);
            assertEquals(eager.height, l.height);
        }
    }

    @Test
    void aRowIsLaidOutOnceAtAWidthAndAgainOnlyWhenTheWidthOrGroupChanges() {
        StepRecord step = Steps.large(5, 40);
        GroupRecord g = step.groups().get(0);
        RowLayouts rows = new RowLayouts(new TokenTexts(TEXT), 7.2, 17);
        TokenLayout first = rows.layout(g, 2, 500);
        assertSame(first, rows.layout(g, 2, 500));
        TokenLayout narrow = rows.layout(g, 2, 200);
        assertNotSame(first, narrow);
        assertEquals(200, narrow.width);
        GroupRecord other = Steps.large(5, 40).groups().get(0);
        assertNotSame(narrow, rows.layout(other, 2, 200));
    }

    @Test
    void shownTextsMakeWhitespaceVisibleAndCutLongTokens() {
        TokenTexts t = new TokenTexts(TEXT);
        assertEquals("⏎", t.shown(0));
        assertEquals("·the", t.shown(1));
        assertEquals("∅", t.shown(2));
        assertEquals("·simultaneous…", t.shown(3));
        assertEquals(TokenLayout.MAX_CHARS, t.boxChars(3));
        assertEquals(4, t.boxChars(1));
        assertEquals("t5", t.shown(5));
        assertEquals("t100001", t.shown(100_001)); // ids beyond the first ones grow the cache
    }

    /** The per-token character counts as TokenStrip built them before layouts were cached. */
    private static int[] eagerChars(int[] ids) {
        int[] chars = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            String d = InspectorModel.displayText(TEXT.apply(ids[t]));
            chars[t] = TokenLayout.shownChars(d.codePointCount(0, d.length()));
        }
        return chars;
    }
}
