package org.grpowb.rewards;

import java.util.List;
import java.util.regex.Pattern;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;

/**
 * A shaping reward for the answer's form, whatever its value: 1 when the stripped completion is a canonical integer
 * of at most {@code max_digits} digits, else 0. Canonical means an optional minus, then no leading zeros except the
 * single digit {@code "0"}; {@code "-0"} is refused, zero has one spelling. It gives a gradient towards well-formed
 * answers while every answer is still wrong, and says nothing about correctness ({@link Verdict#UNVERIFIED}).
 */
public final class AnswerFormatReward implements RewardFunction {

    static final String MAX_DIGITS = "max_digits";

    private static final Pattern CANONICAL = Pattern.compile("0|-?[1-9][0-9]*");

    private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.integer(MAX_DIGITS,
            "longest answer in digits (the minus sign not counted) that still earns the reward", 6, 1, 1000));

    private volatile int maxDigits = 6;

    @Override
    public String name() {
        return "answer_format";
    }

    @Override
    public String description() {
        return "1 when the completion is a well-formed integer, whatever its value";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public void configure(Settings settings) {
        maxDigits = settings.integer(MAX_DIGITS);
    }

    @Override
    public RewardResult score(String completion, Example example) {
        String s = completion.strip();
        int digits = s.startsWith("-") ? s.length() - 1 : s.length();
        boolean wellFormed = CANONICAL.matcher(s).matches() && digits <= maxDigits;
        return RewardResult.of(name(), wellFormed ? 1.0 : 0.0, Verdict.UNVERIFIED);
    }
}
