package org.grpowb.core.testplugins;

import java.util.List;
import java.util.Map;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/** A variant whose loss becomes NaN from step {@code nan_from} on: the engine must skip, record and stop. */
public final class NanLossVariant implements GrpoVariant {

    private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String name() {
        return "test_nan";
    }

    @Override
    public String description() {
        return "a REINFORCE loss that turns NaN after a few calls";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(SettingSpec.integer("nan_after_calls", "loss calls before NaN", 2, 0, 1000));
    }

    public static void resetCalls() {
        CALLS.set(0);
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return batch -> batch.stream().map(g -> {
            double[] t = g.totals();
            double mean = java.util.Arrays.stream(t).average().orElse(0);
            double[] a = java.util.Arrays.stream(t).map(x -> x - mean).toArray();
            boolean[] keep = new boolean[t.length];
            java.util.Arrays.fill(keep, true);
            return new GroupAdvantages(a, keep, mean, t);
        }).toList();
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        int after = settings.integer("nan_after_calls");
        return in -> {
            var l = in.logProbs().mul(in.advantages()).mul(in.mask()).sum().neg()
                    .div(OwnedArrays.scalar(in.logProbs(), Math.max(1, in.globalActiveTokens())));
            if (CALLS.incrementAndGet() > after) {
                l = l.mul(OwnedArrays.scalar(l, Double.NaN));
            }
            return new PolicyLossOutput(l, Map.of());
        };
    }

    @Override
    public boolean needsReference(Settings settings) {
        return false;
    }
}
