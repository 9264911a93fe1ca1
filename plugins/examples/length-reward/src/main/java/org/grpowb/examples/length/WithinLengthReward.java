package org.grpowb.examples.length;

import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;

/**
 * 1 for a completion of at most {@code max_chars} characters (stripped), falling linearly to 0 at twice that, and 0
 * beyond: the shape of the length penalties of DAPO's overlong shaping and of "Train Long, Think Short", measured in
 * characters so that it needs no tokenizer. Says nothing about correctness ({@link Verdict#UNVERIFIED}); weigh it
 * below the verifier's reward.
 */
public final class WithinLengthReward implements RewardFunction {

    static final String MAX_CHARS = "max_chars";

    private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.integer(MAX_CHARS,
            "longest completion, in characters, that earns the full reward", 12, 1, 1_000_000));

    private volatile int maxChars = 12;

    @Override
    public String name() {
        return "within_length";
    }

    @Override
    public String description() {
        return "1 within max_chars characters, falling to 0 at twice that";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public void configure(Settings settings) {
        maxChars = settings.integer(MAX_CHARS);
    }

    @Override
    public RewardResult score(String completion, Example example) {
        int n = completion.strip().length();
        double score = n <= maxChars ? 1.0 : Math.max(0.0, 2.0 - n / (double) maxChars);
        return RewardResult.of(name(), score, Verdict.UNVERIFIED);
    }
}
