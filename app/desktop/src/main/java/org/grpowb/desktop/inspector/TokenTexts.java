package org.grpowb.desktop.inspector;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * What a token id looks like in a box — its text with whitespace made visible, cut to
 * {@link TokenLayout#MAX_CHARS} — and the box's width in characters, worked out once per id. A step repeats a
 * vocabulary of a few thousand ids across 100k tokens, so rows that come into view cost array look-ups, not string
 * building.
 */
final class TokenTexts {
    private final IntFunction<String> tokenText;
    private String[] shown = new String[0];
    private int[] boxChars = new int[0];

    TokenTexts(IntFunction<String> tokenText) {
        this.tokenText = tokenText;
    }

    /** The text drawn in the token's box. */
    String shown(int id) {
        ensure(id);
        return shown[id];
    }

    /** The box's width in characters (at least 1, at most {@link TokenLayout#MAX_CHARS}). */
    int boxChars(int id) {
        ensure(id);
        return boxChars[id];
    }

    /** Box widths in characters of a row of token ids. */
    int[] boxChars(int[] ids) {
        int[] c = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            c[t] = boxChars(ids[t]);
        }
        return c;
    }

    private void ensure(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id " + id);
        }
        if (id >= shown.length) {
            int n = Math.max(id + 1, shown.length * 2);
            shown = Arrays.copyOf(shown, n);
            boxChars = Arrays.copyOf(boxChars, n);
        }
        if (shown[id] == null) {
            String raw = tokenText.apply(id);
            String d = InspectorModel.displayText(raw == null ? "" : raw);
            int len = d.codePointCount(0, d.length());
            shown[id] = len <= TokenLayout.MAX_CHARS ? d
                    : d.substring(0, d.offsetByCodePoints(0, TokenLayout.MAX_CHARS - 1)) + "…";
            boxChars[id] = TokenLayout.shownChars(len);
        }
    }
}
