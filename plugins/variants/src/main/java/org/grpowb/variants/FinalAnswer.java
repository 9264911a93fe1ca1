package org.grpowb.variants;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The normalised final answer of a completion, the key by which SEED-GRPO ({@link SemanticEntropyAdvantage}) puts
 * completions of the same meaning into one cluster. For verifiable tasks two completions mean the same when they give
 * the same answer, however they got there.
 *
 * <ol>
 *   <li>Where the answer is: the content of the last {@code \boxed{...}} if there is one, else the text after the last
 *       {@code ####} (GSM8K's marker) if there is one, else the whole completion.</li>
 *   <li>A numeric answer is its last number, compared by value: {@code "82"}, {@code "082"}, {@code "so it is 82"} and
 *       {@code "82.0"} are one answer, {@code "-0"} is {@code "0"}; a minus sign right before the digits belongs to
 *       the number, as in the workbench's integer rewards. Non-integers keep their value ({@code "2.50"} is
 *       {@code "2.5"}).</li>
 *   <li>Any other answer is its text, stripped, with runs of whitespace made one space and lower-cased.</li>
 * </ol>
 */
final class FinalAnswer {

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String BOXED = "\\boxed{";
    private static final String HASHES = "####";

    private FinalAnswer() {
    }

    /** The cluster key of a completion; numeric and text answers never share a key. */
    static String key(String completion) {
        String region = region(completion);
        Matcher m = NUMBER.matcher(region);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        if (last != null) {
            BigDecimal value = new BigDecimal(last).stripTrailingZeros();
            if (value.signum() == 0) {
                value = BigDecimal.ZERO;
            }
            return "number:" + value.toPlainString();
        }
        return "text:" + WHITESPACE.matcher(region.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    private static String region(String completion) {
        int boxed = completion.lastIndexOf(BOXED);
        if (boxed >= 0) {
            int start = boxed + BOXED.length();
            int depth = 1;
            for (int i = start; i < completion.length(); i++) {
                char c = completion.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return completion.substring(start, i);
                }
            }
            return completion.substring(start);
        }
        int hashes = completion.lastIndexOf(HASHES);
        return hashes >= 0 ? completion.substring(hashes + HASHES.length()) : completion;
    }
}
