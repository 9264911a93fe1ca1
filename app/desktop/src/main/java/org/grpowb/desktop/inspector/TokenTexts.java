package org.grpowb.desktop.inspector;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * What a token id looks like in a box — its {@link TokenPiece}, marks and measured widths included — worked out once
 * per id. A step repeats a vocabulary of a few thousand ids across 100k tokens, so rows that come into view cost array
 * look-ups, not string building or font measurement.
 */
final class TokenTexts {
    private final IntFunction<String> tokenText;
    private final ToDoubleFunction<String> measure;
    private final double maxWidth;
    private TokenPiece[] pieces = new TokenPiece[0];

    /**
     * @param tokenText the text of a token id
     * @param measure   the width of a string in the font the boxes are drawn with
     * @param maxWidth  the widest a piece's text may be before it is cut
     */
    TokenTexts(IntFunction<String> tokenText, ToDoubleFunction<String> measure, double maxWidth) {
        this.tokenText = tokenText;
        this.measure = measure;
        this.maxWidth = maxWidth;
    }

    /** The piece drawn in the token's box. */
    TokenPiece piece(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id " + id);
        }
        if (id >= pieces.length) {
            pieces = Arrays.copyOf(pieces, Math.max(id + 1, pieces.length * 2));
        }
        TokenPiece p = pieces[id];
        if (p == null) {
            p = TokenPiece.of(tokenText.apply(id), measure, maxWidth);
            pieces[id] = p;
        }
        return p;
    }

    /** The text drawn in the token's box, marks included. */
    String shown(int id) {
        return piece(id).text();
    }

    /** Text widths of a row of token ids, as measured. */
    double[] widths(int[] ids) {
        double[] w = new double[ids.length];
        for (int t = 0; t < ids.length; t++) {
            w[t] = piece(ids[t]).width;
        }
        return w;
    }
}
