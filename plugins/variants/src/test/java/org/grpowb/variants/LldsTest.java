package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class LldsTest {

    private final Llds llds = new Llds();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(llds.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("llds")).findFirst().orElseThrow();
        assertInstanceOf(Llds.class, found);
    }

    @Test
    void defaultsAreGrpoPlusLambda() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("beta", "epsilon", "epsilon_high", "loss_type", "scale_rewards", "llds_lambda"),
                llds.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new LikelihoodPreservingLoss(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), 0.1),
                llds.loss(s));
        assertEquals(RewardScaling.GROUP,
                assertInstanceOf(GroupNormalizedAdvantage.class, llds.advantage(s)).scaling());
        assertTrue(llds.needsReference(s));
    }

    @Test
    void settingsReachTheLossAndTheEstimator() {
        Settings s = resolve(Map.of("beta", 0, "epsilon_high", 0.28, "loss_type", "dapo", "scale_rewards", "none",
                "llds_lambda", 0.5));
        assertEquals(new LikelihoodPreservingLoss(new ClippedTokenLoss(0.2, 0.28, 0, LossAggregation.DAPO), 0.5),
                llds.loss(s));
        assertEquals(RewardScaling.NONE, ((GroupNormalizedAdvantage) llds.advantage(s)).scaling());
        assertFalse(llds.needsReference(s));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("llds_lambda", -0.1)));
    }
}
