package org.grpowb.desktop.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One token's text as its box draws it: runs of the piece's own characters and of marks, drawn dimmer, for what
 * would otherwise be invisible or misleading — a space {@code ·} (byte-level BPE pieces start with one: {@code " the"}),
 * a newline {@code ↵}, a tab {@code ⇥}, other control characters as their byte ({@code <0x00>}), an empty piece
 * {@code ∅}, the bytes of half a UTF-8 character as the tokenizer shows them ({@code <0xE4>}), and the {@code …} of a
 * piece cut short. Each run's offset and the piece's width are measured with the real font, never assumed from a
 * character count: a CJK character or an emoji is wider than a Latin letter even in a monospaced font, and a combining
 * accent takes no room at all.
 */
final class TokenPiece {
    /** Longer pieces are cut (with an ellipsis) so that one token cannot take a whole line. */
    static final int MAX_CHARS = 14;

    final String[] runs;
    final boolean[] marks;
    /** Where each run starts, from the left of the text. */
    final double[] offsets;
    final double width;

    private TokenPiece(String[] runs, boolean[] marks, double[] offsets, double width) {
        this.runs = runs;
        this.marks = marks;
        this.offsets = offsets;
        this.width = width;
    }

    /** The text the box shows, marks included (what a test or a screen reader reads). */
    String text() {
        return String.join("", runs);
    }

    /**
     * @param raw     the token's text as the tokenizer gives it (null or empty: an empty piece)
     * @param measure the width of a string in the font the box is drawn with
     * @param maxWidth the widest a piece's text may be before it is cut
     */
    static TokenPiece of(String raw, ToDoubleFunction<String> measure, double maxWidth) {
        List<String> runs = new ArrayList<>();
        List<Boolean> marks = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            add(runs, marks, "∅", true);
        } else {
            split(raw, runs, marks);
        }
        cut(runs, marks, MAX_CHARS);
        TokenPiece p = measured(runs, marks, measure);
        // wide scripts reach the width before the character count: cut by width too, keeping at least one character
        for (int keep = p.codePoints() - 1; p.width > maxWidth && keep >= 2; keep--) {
            cut(runs, marks, keep);
            p = measured(runs, marks, measure);
        }
        return p;
    }

    private int codePoints() {
        int n = 0;
        for (String r : runs) {
            n += r.codePointCount(0, r.length());
        }
        return n;
    }

    private static void split(String raw, List<String> runs, List<Boolean> marks) {
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("<0x", i) && i + 6 <= raw.length() && raw.charAt(i + 5) == '>'
                    && isHex(raw.charAt(i + 3)) && isHex(raw.charAt(i + 4))) {
                add(runs, marks, raw.substring(i, i + 6), true); // a byte of half a character, as the codec shows it
                i += 6;
                continue;
            }
            int cp = raw.codePointAt(i);
            String mark = mark(cp);
            add(runs, marks, mark != null ? mark : new String(Character.toChars(cp)), mark != null);
            i += Character.charCount(cp);
        }
    }

    private static String mark(int cp) {
        return switch (cp) {
            case ' ' -> "·";
            case '\n' -> "↵";
            case '\r' -> "␍";
            case '\t' -> "⇥";
            case 0x00A0 -> "⍽";
            // other control characters have no glyph worth drawing: shown as their byte, like half a character
            default -> cp < 0x20 || cp == 0x7F ? String.format(java.util.Locale.ROOT, "<0x%02X>", cp) : null;
        };
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    /** Appends to the last run when it is of the same kind, so a piece is a few runs, not one per character. */
    private static void add(List<String> runs, List<Boolean> marks, String s, boolean mark) {
        int last = runs.size() - 1;
        if (last >= 0 && marks.get(last) == mark) {
            runs.set(last, runs.get(last) + s);
        } else {
            runs.add(s);
            marks.add(mark);
        }
    }

    /** Keeps the first {@code keep - 1} characters and an ellipsis when the runs hold more than {@code keep}. */
    private static void cut(List<String> runs, List<Boolean> marks, int keep) {
        int total = 0;
        for (String r : runs) {
            total += r.codePointCount(0, r.length());
        }
        if (total <= keep) {
            return;
        }
        int left = keep - 1;
        List<String> r2 = new ArrayList<>();
        List<Boolean> m2 = new ArrayList<>();
        for (int k = 0; k < runs.size() && left > 0; k++) {
            String r = runs.get(k);
            int n = r.codePointCount(0, r.length());
            String part = n <= left ? r : r.substring(0, r.offsetByCodePoints(0, left));
            if (part.endsWith("…") && marks.get(k)) {
                part = part.substring(0, part.length() - 1); // a previous cut's ellipsis is not a character
            }
            if (!part.isEmpty()) {
                add(r2, m2, part, marks.get(k));
            }
            left -= Math.min(n, left);
        }
        add(r2, m2, "…", true);
        runs.clear();
        runs.addAll(r2);
        marks.clear();
        marks.addAll(m2);
    }

    private static TokenPiece measured(List<String> runs, List<Boolean> marks, ToDoubleFunction<String> measure) {
        int n = runs.size();
        String[] r = runs.toArray(new String[0]);
        boolean[] m = new boolean[n];
        double[] offsets = new double[n];
        double x = 0;
        for (int k = 0; k < n; k++) {
            m[k] = marks.get(k);
            offsets[k] = x;
            x += measure.applyAsDouble(r[k]);
        }
        return new TokenPiece(r, m, offsets, x);
    }
}
