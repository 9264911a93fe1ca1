package org.grpowb.core.testplugins;

import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;

/** A reward plugin with a bug: it throws on every completion that starts with a digit below 5. */
public final class ThrowingReward implements RewardFunction {
    @Override
    public String name() {
        return "test_throwing";
    }

    @Override
    public String description() {
        return "throws on completions starting with 0-4";
    }

    @Override
    public RewardResult score(String completion, Example example) {
        if (!completion.isEmpty() && completion.charAt(0) >= '0' && completion.charAt(0) <= '4') {
            throw new IllegalStateException("plugin bug on '" + completion + "'");
        }
        return RewardResult.of(name(), 0.5, org.grpowb.api.Verdict.UNVERIFIED);
    }
}
