package org.grpowb.rewards;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;

/**
 * The verifiable correctness reward of outcome supervision: 1 when the completion's integer equals the example's
 * answer, else 0. Numbers are compared as values ({@code "082"} equals {@code 82}, {@code "-0"} equals {@code 0});
 * the shape of the number is {@link AnswerFormatReward}'s business.
 *
 * <p>With {@code strict} (the default) the stripped completion must be the number and nothing else, so
 * {@code "82abc"} scores 0: a tiny model should learn to stop after the answer. Without it, the last integer anywhere
 * in the completion counts ({@code "so it is 82"} scores 1), as for chain-of-thought completions; a minus sign right
 * before digits belongs to the number, so {@code "3-5"} reads −5.
 *
 * <p>A reference answer that is not an integer is a broken data line and throws, naming the example and its
 * {@code answer} field, rather than scoring every rollout 0.
 */
public final class ExactAnswerReward implements RewardFunction {

    static final String STRICT = "strict";

    private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.flag(STRICT,
            "the whole completion must be the number; when false, the last integer in the text counts", true));

    private volatile boolean strict = true;

    @Override
    public String name() {
        return "exact_answer";
    }

    @Override
    public String description() {
        return "1 when the completion's integer equals the example's answer, else 0";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public void configure(Settings settings) {
        strict = settings.flag(STRICT);
    }

    @Override
    public RewardResult score(String completion, Example example) {
        BigInteger expected = IntegerAnswers.reference(example);
        Optional<BigInteger> given = strict ? IntegerAnswers.whole(completion) : IntegerAnswers.last(completion);
        boolean correct = given.isPresent() && given.get().equals(expected);
        return RewardResult.of(name(), correct ? 1.0 : 0.0, correct ? Verdict.CORRECT : Verdict.INCORRECT);
    }
}
