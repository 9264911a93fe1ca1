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

class GrpoTest {

    private final Grpo grpo = new Grpo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(grpo.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        List<String> names = ServiceLoader.load(GrpoVariant.class).stream().map(p -> p.get().name()).toList();
        assertTrue(names.contains("grpo"), names.toString());
    }

    @Test
    void defaultsFollowTrl() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("beta", "epsilon", "epsilon_high", "loss_type", "scale_rewards"),
                grpo.settings().stream().map(SettingSpec::name).toList());
        ClippedTokenLoss loss = assertInstanceOf(ClippedTokenLoss.class, grpo.loss(s));
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), loss);
        GroupNormalizedAdvantage adv = assertInstanceOf(GroupNormalizedAdvantage.class, grpo.advantage(s));
        assertEquals(RewardScaling.GROUP, adv.scaling());
        assertTrue(grpo.needsReference(s));
        assertEquals(0, grpo.extraRollouts(s));
    }

    @Test
    void settingsReachTheLossAndTheEstimator() {
        Settings s = resolve(Map.of("beta", 0, "epsilon", "0.1", "epsilon_high", 0.3, "loss_type", "dr_grpo",
                "scale_rewards", "none"));
        assertEquals(new ClippedTokenLoss(0.1, 0.3, 0, LossAggregation.DR_GRPO), grpo.loss(s));
        assertEquals(RewardScaling.NONE, ((GroupNormalizedAdvantage) grpo.advantage(s)).scaling());
        assertFalse(grpo.needsReference(s));
        assertEquals(LossAggregation.DAPO, ((ClippedTokenLoss) grpo.loss(resolve(Map.of("loss_type", "dapo")))).aggregation());
        assertEquals(LossAggregation.BNPO, ((ClippedTokenLoss) grpo.loss(resolve(Map.of("loss_type", "bnpo")))).aggregation());
        assertEquals(RewardScaling.BATCH,
                ((GroupNormalizedAdvantage) grpo.advantage(resolve(Map.of("scale_rewards", "batch")))).scaling());
    }

    @Test
    void badValuesAreRefusedByTheDeclaration() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("loss_type", "ppo")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("scale_rewards", "global")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("beta", -0.1)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("epsilon_high", -2)));
        assertThrows(IllegalArgumentException.class, () -> LossAggregation.of("ppo"));
        assertThrows(IllegalArgumentException.class, () -> RewardScaling.of("global"));
    }
}
