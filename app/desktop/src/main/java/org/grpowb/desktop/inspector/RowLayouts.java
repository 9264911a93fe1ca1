package org.grpowb.desktop.inspector;

import java.util.function.IntFunction;
import org.grpowb.core.run.GroupRecord;

/**
 * The token layout of each rollout of the shown group at the list's width, built the first time a row is measured or
 * drawn and kept until the group or the width changes. Only rows that come into view (or that the list samples to
 * size its scroll bar) are ever laid out, so showing a 100k-token step costs the rows on screen, and scrolling back
 * over a row costs nothing.
 */
final class RowLayouts {
    private TokenTexts texts;
    private final double charWidth;
    private final double lineHeight;
    // kept per row with the width it was wrapped to: a row measured at another width (the list's sizing cell before
    // its first layout) is redone alone, without dropping the others
    private GroupRecord group;
    private TokenLayout[] layouts = new TokenLayout[0];

    RowLayouts(TokenTexts texts, double charWidth, double lineHeight) {
        this.texts = texts;
        this.charWidth = charWidth;
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
            l = TokenLayout.of(texts.boxChars(g.rollouts().get(rollout).trace().tokenIds()), w, charWidth, lineHeight);
            layouts[rollout] = l;
        }
        return l;
    }

    /** Decodes ids with {@code tokenText} from now on (another run's tokenizer): every row is laid out again. */
    void decodeWith(IntFunction<String> tokenText) {
        texts = new TokenTexts(tokenText);
        group = null;
        layouts = new TokenLayout[0];
    }

    /** The text drawn in a token's box. */
    String shown(int tokenId) {
        return texts.shown(tokenId);
    }

    static RowLayouts forStrips(IntFunction<String> tokenText) {
        return new RowLayouts(new TokenTexts(tokenText), TokenStrip.CHAR_WIDTH, TokenStrip.LINE_HEIGHT);
    }
}
