package org.grpowb.rewards;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grpowb.api.Example;

/** Reading integers out of completions and reference answers; ASCII digits only, an optional leading minus. */
final class IntegerAnswers {

    static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private IntegerAnswers() {
    }

    /**
     * The example's reference answer as a number, surrounding whitespace ignored.
     *
     * @throws IllegalArgumentException naming the example and its {@code answer} field when it is not an integer:
     *                                  a bad data line must not silently score every rollout 0
     */
    static BigInteger reference(Example example) {
        String answer = example.answer().strip();
        if (!INTEGER.matcher(answer).matches()) {
            throw new IllegalArgumentException("example '" + example.id() + "': field 'answer' is not an integer: '"
                    + example.answer() + "'");
        }
        return new BigInteger(answer);
    }

    /** The whole stripped text as an integer, or empty when it is anything else. */
    static Optional<BigInteger> whole(String text) {
        String s = text.strip();
        return INTEGER.matcher(s).matches() ? Optional.of(new BigInteger(s)) : Optional.empty();
    }

    /** The last integer anywhere in the text, or empty when there is none. */
    static Optional<BigInteger> last(String text) {
        Matcher m = INTEGER.matcher(text.strip());
        String found = null;
        while (m.find()) {
            found = m.group();
        }
        return found == null ? Optional.empty() : Optional.of(new BigInteger(found));
    }
}
