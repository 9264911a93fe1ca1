package org.grpowb.desktop.inspector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.StepRecord;
import org.junit.jupiter.api.Test;

class InspectorRowLayoutsTest {
    /** Token texts with whitespace, an empty token, words longer than a box holds, CJK and half a character. */
    private static final IntFunction<String> TEXT = id -> switch (id % 8) {
        case 0 -> "\n";
        case 1 -> " the";
        case 2 -> "";
        case 3 -> " simultaneously";
        case 4 -> "\t";
        case 5 -> "中文";
        case 6 -> "<0xE4>";
        default -> "t" + id;
    };

    /**
     * A stand-in font without a toolkit: Latin 7 px, CJK (and anything past U+2E80) 12 px a character; a combining
     * mark takes no room. Measured per string, as the real font is.
     */
    private static final ToDoubleFunction<String> FONT = s -> s.codePoints()
            .mapToDouble(cp -> Character.getType(cp) == Character.NON_SPACING_MARK ? 0 : cp >= 0x2E80 ? 12 : 7).sum();

    private static final double MAX = 14 * 7;

    @Test
    void lazyRowLayoutsGiveTheSameBoxesAsLayingOutEveryRowUpFront() {
        StepRecord step = Steps.large(50, 100);
        GroupRecord g = step.groups().get(0);
        RowLayouts lazy = new RowLayouts(TEXT, FONT, MAX, 17);
        for (int r = g.rollouts().size() - 1; r >= 0; r -= 3) { // out of order, as scrolling reaches them
            int[] ids = g.rollouts().get(r).trace().tokenIds();
            TokenLayout eager = TokenLayout.of(eagerWidths(ids), 640, 17);
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
        RowLayouts rows = new RowLayouts(TEXT, FONT, MAX, 17);
        TokenLayout first = rows.layout(g, 2, 500);
        assertSame(first, rows.layout(g, 2, 500));
        TokenLayout narrow = rows.layout(g, 2, 200);
        assertNotSame(first, narrow);
        assertEquals(200, narrow.width);
        GroupRecord other = Steps.large(5, 40).groups().get(0);
        assertNotSame(narrow, rows.layout(other, 2, 200));
    }

    @Test
    void piecesShowWhitespaceAsDimMarksAndAreCutWhenLong() {
        TokenTexts t = new TokenTexts(TEXT, FONT, MAX);
        assertEquals("↵", t.shown(0));
        assertEquals("·the", t.shown(1));
        TokenPiece the = t.piece(1);
        assertArrayEquals(new String[] {"·", "the"}, the.runs, "the leading space is a run of its own");
        assertArrayEquals(new boolean[] {true, false}, the.marks, "drawn as a mark, dimmer than the word");
        assertEquals(7, the.offsets[1], 1e-9, "the word starts where the mark's measured width ends");
        assertEquals("∅", t.shown(2));
        assertEquals("·simultaneous…", t.shown(3));
        assertEquals(14, t.shown(3).codePointCount(0, t.shown(3).length()));
        assertEquals("⇥", t.shown(4));
        assertTrue(t.piece(6).marks[0], "half a character's byte is a mark, not text");
        assertEquals("<0xE4>", t.shown(6));
        assertEquals("t7", t.shown(7));
        assertEquals("t100007", t.shown(100_007)); // ids beyond the first ones grow the cache
    }

    @Test
    void boxesAreAsWideAsTheirPiecesMeasureNotTheirCharacterCounts() {
        String[] vocab = {"a", "中", "abc", "e\u0301e\u0301", "中文字中文字中文字中文字", " x"};
        double[] w = new TokenTexts(id -> vocab[id], FONT, MAX).widths(new int[] {0, 1, 2, 3, 4, 5});
        TokenLayout l = TokenLayout.of(w, 1000, 17);
        assertTrue(l.w[1] > l.w[0], "a CJK character is wider than 'a': " + l.w[1] + " vs " + l.w[0]);
        assertTrue(l.w[3] < l.w[2], "two accented letters made with combining marks (four code points) are narrower than three letters");
        assertEquals(TokenLayout.boxWidth(14), l.w[3], 1e-9);
        assertTrue(w[4] <= MAX, "a CJK word is cut by its width (" + w[4] + "), before fourteen characters");
        assertEquals(l.x[0] + l.w[0] + TokenLayout.GAP, l.x[1], 1e-9, "boxes follow each other at their own widths");
        for (int i = 0; i < w.length; i++) {
            double mid = l.x[i] + l.w[i] / 2;
            assertEquals(i, l.hit(mid, 5), "the middle of box " + i + " hits it");
            assertEquals(i, l.hit(l.x[i] + l.w[i] - 0.5, 5), "so does its right edge");
        }
    }

    @Test
    void wrappingFollowsMeasuredWidthsAndHitTestingFindsTokensOnEveryLine() {
        double[] w = {7, 60, 7, 60, 7, 60, 7};
        TokenLayout l = TokenLayout.of(w, 100, 17);
        // boxes 13, 66, 13 | 66, 13 | 66, 13 (each line at most 100 wide with 2 px gaps)
        assertArrayEquals(new double[] {0, 0, 0, 19, 19, 38, 38}, l.y);
        assertEquals(0, l.x[3]);
        assertEquals(3, l.hit(10, 19 + 8));
        assertEquals(4, l.hit(66 + 2 + 5, 19 + 8));
        assertEquals(-1, l.hit(66 + 1, 19 + 8), "the gap between boxes hits nothing");
        assertEquals(6, l.hit(70, 38 + 1));
        assertEquals(-1, l.hit(5, 17.5), "the gap between lines hits nothing");
    }

    @Test
    void aRolloutsHeaderShowsItsCompletionOnOneLine() {
        assertEquals("a↵b↵c↵d↵↵e", InspectorModel.oneLine("a\nb\u000Bc\u2028d\r\ne"));
        assertEquals("x".repeat(200) + "…", InspectorModel.oneLine("x".repeat(300)));
    }

    /** The text widths as TokenStrip measured them before layouts were cached. */
    private static double[] eagerWidths(int[] ids) {
        double[] w = new double[ids.length];
        for (int t = 0; t < ids.length; t++) {
            w[t] = TokenPiece.of(TEXT.apply(ids[t]), FONT, MAX).width;
        }
        return w;
    }
}
