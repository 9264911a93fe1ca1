package org.grpowb.hf.text;

/**
 * Bytes decoded as UTF-8, each ill-formed sequence replaced by U+FFFD rather than thrown, remembering where in the
 * bytes every character of the text starts (so token byte ranges map to character ranges).
 *
 * <p>Replacement follows the Unicode "maximal subpart" practice (Unicode 15, §3.9, U+FFFD substitution) as Rust's
 * {@code String::from_utf8_lossy} implements it, which is what the tokenizers' ByteLevel decoder calls: a truncated
 * but so-far valid sequence becomes one U+FFFD, a byte that cannot start or continue a sequence becomes one U+FFFD
 * of its own. (The JDK's decoder agrees except on encoded surrogates, {@code ED A0..BF xx}, which it replaces by one
 * U+FFFD where Rust writes three; hence this class rather than {@code new String(bytes, UTF_8)}.)
 */
final class Utf8Text {

    private final String text;
    /** For each UTF-16 unit of {@link #text}, the index of the first byte of its character; then the byte count. */
    private final int[] unitByteStart;
    /** For each UTF-16 unit, whether it is a replacement for ill-formed bytes. */
    private final boolean[] replaced;

    private Utf8Text(String text, int[] unitByteStart, boolean[] replaced) {
        this.text = text;
        this.unitByteStart = unitByteStart;
        this.replaced = replaced;
    }

    static Utf8Text decode(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        int[] starts = new int[length + 1];
        boolean[] replaced = new boolean[length + 1];
        int units = 0;
        int i = 0;
        while (i < length) {
            int b0 = bytes[i] & 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (b0 < 0x80) {
                need = 0;
                cp = b0;
            } else if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                need = -1; // 0x80..0xC1, 0xF5..0xFF never start a sequence
                cp = 0;
            }
            int end = i + 1;
            boolean ok = need >= 0;
            for (int k = 0; ok && k < need; k++) {
                if (end >= length) {
                    ok = false;
                    break;
                }
                int b = bytes[end] & 0xFF;
                if (b < lo || b > hi) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
                lo = 0x80;
                hi = 0xBF;
                end++;
            }
            if (!ok) {
                cp = 0xFFFD;
            }
            for (char c : Character.toChars(cp)) { // never more UTF-16 units than bytes
                out.append(c);
                starts[units] = i;
                replaced[units] = !ok;
                units++;
            }
            i = end;
        }
        int[] unitStarts = java.util.Arrays.copyOf(starts, units + 1);
        unitStarts[units] = length;
        return new Utf8Text(out.toString(), unitStarts, java.util.Arrays.copyOf(replaced, units));
    }

    String text() {
        return text;
    }

    /** Index of the first byte of the character holding UTF-16 unit {@code unit}; the byte count at the end. */
    int byteStart(int unit) {
        return unitByteStart[unit];
    }

    /** Number of UTF-16 units whose character starts before byte {@code byteIndex}. */
    int unitsStartingBefore(int byteIndex) {
        int lo = 0;
        int hi = text.length();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (unitByteStart[mid] < byteIndex) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The text with each replaced ill-formed byte shown as {@code <0xNN>} instead of U+FFFD, for display. */
    String display(byte[] bytes) {
        StringBuilder out = new StringBuilder(text.length());
        for (int u = 0; u < text.length(); u++) {
            if (replaced[u]) {
                for (int b = unitByteStart[u]; b < unitByteStart[u + 1]; b++) {
                    out.append(String.format(java.util.Locale.ROOT, "<0x%02X>", bytes[b] & 0xFF));
                }
            } else {
                out.append(text.charAt(u));
            }
        }
        return out.toString();
    }
}
