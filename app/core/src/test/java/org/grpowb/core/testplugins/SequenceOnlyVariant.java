package org.grpowb.core.testplugins;

import java.util.List;
import java.util.Map;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * A variant that declares its loss reads one advantage per sequence ({@code tokenAdvantages} false): the project
 * loader must refuse THR reweighting and the entropy filter for it. It never trains.
 */
public final class SequenceOnlyVariant implements GrpoVariant {

    @Override
    public String name() {
        return "test_sequence_only";
    }

    @Override
    public String description() {
        return "a loss that reads one advantage per sequence";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new NanLossVariant().advantage(settings);
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return in -> new PolicyLossOutput(in.logProbs().sum(), Map.of());
    }

    @Override
    public boolean tokenAdvantages(Settings settings) {
        return false;
    }
}
