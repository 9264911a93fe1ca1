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

class DapoTest {

    private final Dapo dapo = new Dapo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(dapo.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("dapo")).findFirst().orElseThrow();
        assertInstanceOf(Dapo.class, found);
    }

    @Test
    void defaultsFollowThePaper() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("epsilon", "epsilon_high", "beta", "dynamic_sampling", "overlong_shaping", "overlong_cache"),
                dapo.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new ClippedTokenLoss(0.2, 0.28, 0, LossAggregation.DAPO), dapo.loss(s));
        assertEquals(new OverlongShapedAdvantage(true, 2, true), dapo.advantage(s));
        assertTrue(dapo.dynamicSampling(s));
        assertFalse(dapo.needsReference(s));
        assertEquals(0, dapo.extraRollouts(s));
    }

    @Test
    void settingsReachTheLossAndTheEstimator() {
        Settings s = resolve(Map.of("epsilon", 0.1, "epsilon_high", "0.3", "beta", 0.01, "dynamic_sampling", "false",
                "overlong_shaping", false, "overlong_cache", 4));
        assertEquals(new ClippedTokenLoss(0.1, 0.3, 0.01, LossAggregation.DAPO), dapo.loss(s));
        assertEquals(new OverlongShapedAdvantage(false, 4, false), dapo.advantage(s));
        assertFalse(dapo.dynamicSampling(s));
        assertTrue(dapo.needsReference(s));
    }

    @Test
    void badValuesAreRefusedByTheDeclaration() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("overlong_cache", 0)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("overlong_cache", 2.5)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("dynamic_sampling", "yes")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("epsilon_high", -0.1)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("loss_type", "grpo")));
    }
}
