package org.grpowb.hf.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a template written for Python's Jinja2 into one Jinjava reads the same way, in the two places where the
 * engines differ on the shipped templates:
 * <ul>
 * <li>String literals: Jinja2 decodes them with Python's escape rules ({@code jinja2/lexer.py} ends a string token
 * with {@code .decode("unicode-escape")}), so {@code '<|im_end|>\n'} in Qwen2.5's template holds a newline. Jinjava's
 * expression language only knows {@code \\ \' \"} and would print a backslash and an {@code n}. Every other escape in
 * a literal inside {@code {{ }}} or {@code {% %}} is replaced here by the character itself.</li>
 * <li>Newlines: Jinja2 normalises {@code \r\n} and {@code \r} to {@code \n} and, with {@code keep_trailing_newline}
 * false (transformers keeps the default), drops one newline at the very end of the template.</li>
 * </ul>
 */
final class JinjaSource {

    private static final Pattern RAW = Pattern.compile("\\{%[-+]?\\s*raw\\s*[-+]?%}");
    private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

    private JinjaSource() {
    }

    static String forJinjava(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return decodeLiterals(s);
    }

    private static String decodeLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("{#", i)) {
                int end = s.indexOf("#}", i + 2);
                end = end < 0 ? s.length() : end + 2;
                out.append(s, i, end);
                i = end;
            } else if (s.startsWith("{{", i) || s.startsWith("{%", i)) {
                Matcher raw = RAW.matcher(s).region(i, s.length());
                if (raw.lookingAt()) {
                    Matcher endRaw = END_RAW.matcher(s);
                    int end = endRaw.find(raw.end()) ? endRaw.end() : s.length();
                    out.append(s, i, end);
                    i = end;
                } else {
                    i = copyTag(s, i, s.startsWith("{{", i) ? "}}" : "%}", out);
                }
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Copies the tag starting at {@code i}, decoding its string literals; returns the index after the tag. */
    private static int copyTag(String s, int i, String closer, StringBuilder out) {
        out.append(s, i, i + 2);
        i += 2;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith(closer, i)) {
                out.append(closer);
                return i + 2;
            }
            if (c == '\'' || c == '"') {
                i = copyLiteral(s, i, c, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return i;
    }

    private static int copyLiteral(String s, int i, char quote, StringBuilder out) {
        out.append(quote);
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == quote) {
                out.append(quote);
                return i + 1;
            }
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '\\', '\'', '"' -> out.append('\\').append(e); // Jinjava decodes these three itself
                case '\n' -> { } // a backslash before a line break joins the lines
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000B');
                case 'a' -> out.append('\u0007');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    int cp = hex(s, i, digits);
                    if (cp < 0) {
                        out.append("\\\\").append(e); // not an escape after all: keep the backslash
                    } else {
                        appendCodePoint(cp, out);
                        i += digits;
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < s.length() && end < i + 2 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                            end++;
                        }
                        appendCodePoint(Integer.parseInt(s.substring(i - 1, end), 8), out);
                        i = end;
                    } else {
                        out.append("\\\\").append(e); // Python keeps unknown escapes as written
                    }
                }
            }
        }
        return i;
    }

    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            return -1;
        }
        long cp = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            cp = cp * 16 + d;
        }
        return cp <= Character.MAX_CODE_POINT ? (int) cp : -1;
    }

    private static void appendCodePoint(int cp, StringBuilder out) {
        if (cp == '\\' || cp == '\'' || cp == '"') {
            out.append('\\');
        }
        out.appendCodePoint(cp);
    }
}
