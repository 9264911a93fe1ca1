package org.grpowb.desktop.inspector;

import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import org.grpowb.core.run.GroupRecord;

/**
 * The token layout of each rollout of the shown group at the list's width, built the first time a row is measured or
 * drawn and kept until the group or the width changes. Only rows that come into view (or that the list samples to
 * size its scroll bar) are ever laid out, so showing a 100k-token step costs the rows on screen, and scrolling back
 * over a row costs nothing.
 */
final class RowLayouts {
    private TokenTexts texts;
    private final ToDoubleFunction<String> measure;
    private final double maxWidth;
    private final double lineHeight;
    // kept per row with the width it was wrapped to: a row measured at another width (the list's sizing cell before
    // its first layout) is redone alone, without dropping the others
    private GroupRecord group;
    private TokenLayout[] layouts = new TokenLayout[0];

    /**
     * @param measure   the width of a string in the font the boxes are drawn with
     * @param maxWidth  the widest a piece's text may be before it is cut
     */
    RowLayouts(IntFunction<String> tokenText, ToDoubleFunction<String> measure, double maxWidth, double lineHeight) {
        this.texts = new TokenTexts(tokenText, measure, maxWidth);
        this.measure = measure;
        this.maxWidth = maxWidth;
        this.lineHeight = lineHeight;
    }

    /** The layout of a rollout of {@code g} wrapped to {@code w}. */
    TokenLayout layout(GroupRecord g, int rollout, double w) {
        if (g != group) {
            group = g;
            layouts = new TokenLayout[g == null ? 0 : g.rollouts().size()];
        }
        TokenLayout l = layouts[rollout];
        if (l == null || l.width != w) {
            l = TokenLayout.of(texts.widths(g.rollouts().get(rollout).trace().tokenIds()), w, lineHeight);
            layouts[rollout] = l;
        }
        return l;
    }

    /** Decodes ids with {@code tokenText} from now on (another run's tokenizer): every row is laid out again. */
    void decodeWith(IntFunction<String> tokenText) {
        texts = new TokenTexts(tokenText, measure, maxWidth);
        group = null;
        layouts = new TokenLayout[0];
    }

    /** What a token's box draws. */
    TokenPiece piece(int tokenId) {
        return texts.piece(tokenId);
    }

    /** The layouts of the inspector's strips: pieces measured in {@link TokenStrip#FONT}. */
    static RowLayouts forStrips(IntFunction<String> tokenText) {
        return new RowLayouts(tokenText, TokenStrip::measure, TokenStrip.MAX_TEXT_WIDTH, TokenStrip.LINE_HEIGHT);
    }
}
