package org.grpowb.hf.text;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} for the directives chat templates use (Llama 3.1-3.3 call
 * {@code strftime_now("%d %b %Y")}), in the C locale: {@code %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %%}.
 */
final class Strftime {

    private Strftime() {
    }

    static String format(String pattern, LocalDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i == pattern.length()) {
                throw new IllegalArgumentException("strftime format \"" + pattern + "\" ends with a lone %");
            }
            char d = pattern.charAt(i);
            switch (d) {
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'd' -> out.append(two(t.getDayOfMonth()));
                case 'e' -> out.append(String.format(Locale.ROOT, "%2d", t.getDayOfMonth()));
                case 'H' -> out.append(two(t.getHour()));
                case 'I' -> out.append(two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
                case 'j' -> out.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
                case 'm' -> out.append(two(t.getMonthValue()));
                case 'M' -> out.append(two(t.getMinute()));
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'S' -> out.append(two(t.getSecond()));
                case 'y' -> out.append(two(t.getYear() % 100));
                case 'Y' -> out.append(t.getYear());
                case '%' -> out.append('%');
                default -> throw new IllegalArgumentException("strftime directive %" + d + " in \"" + pattern
                        + "\" is not supported");
            }
        }
        return out.toString();
    }

    private static String two(int v) {
        return String.format(Locale.ROOT, "%02d", v);
    }
}
