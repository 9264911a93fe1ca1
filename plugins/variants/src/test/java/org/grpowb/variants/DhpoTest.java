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
import org.grpowb.variants.HybridRatioLoss.Mixing;
import org.junit.jupiter.api.Test;

class DhpoTest {

    private final Dhpo dhpo = new Dhpo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(dhpo.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("dhpo")).findFirst().orElseThrow();
        assertInstanceOf(Dhpo.class, found);
    }

    @Test
    void defaultsMixTheParentsRanges() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("mixing", "epsilon", "epsilon_high", "sequence_epsilon", "sequence_epsilon_high", "beta",
                "loss_type"), dhpo.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new HybridRatioLoss(0.2, 0.28, 3e-4, 4e-4, 0, Mixing.AVERAGED, LossAggregation.GRPO), dhpo.loss(s));
        assertEquals(RewardScaling.GROUP,
                assertInstanceOf(GroupNormalizedAdvantage.class, dhpo.advantage(s)).scaling());
        assertFalse(dhpo.needsReference(s));
    }

    @Test
    void settingsReachTheLoss() {
        Settings s = resolve(Map.of("mixing", "entropy", "epsilon", 0.1, "epsilon_high", 0.2, "sequence_epsilon", 1e-3,
                "sequence_epsilon_high", 2e-3, "beta", 0.04, "loss_type", "dapo"));
        assertEquals(new HybridRatioLoss(0.1, 0.2, 1e-3, 2e-3, 0.04, Mixing.ENTROPY, LossAggregation.DAPO), dhpo.loss(s));
        assertTrue(dhpo.needsReference(s));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("mixing", "geometric")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("loss_type", "ppo")));
    }
}
