package org.grpowb.core.testplugins;

import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;

/** A reward plugin that never returns for completions containing the digit 7 (it ignores interrupts, too, but burns no CPU while stuck). */
public final class HangingReward implements RewardFunction {
    @Override
    public String name() {
        return "test_hanging";
    }

    @Override
    public String description() {
        return "hangs on completions containing 7";
    }

    @Override
    public RewardResult score(String completion, Example example) {
        if (completion.contains("7")) {
            long end = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < end) {
                java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
            }
        }
        return RewardResult.of(name(), 1.0, org.grpowb.api.Verdict.UNVERIFIED);
    }
}
