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

class GspoTest {

    private final Gspo gspo = new Gspo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(gspo.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("gspo")).findFirst().orElseThrow();
        assertInstanceOf(Gspo.class, found);
    }

    @Test
    void defaultsFollowThePaper() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("epsilon", "epsilon_high", "beta"), gspo.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new ClippedSequenceLoss(3e-4, 4e-4, 0), gspo.loss(s));
        assertEquals(RewardScaling.GROUP,
                assertInstanceOf(GroupNormalizedAdvantage.class, gspo.advantage(s)).scaling());
        assertFalse(gspo.needsReference(s));
        assertFalse(gspo.dynamicSampling(s));
    }

    @Test
    void settingsReachTheLoss() {
        Settings s = resolve(Map.of("epsilon", 1e-3, "epsilon_high", 2e-3, "beta", 0.02));
        assertEquals(new ClippedSequenceLoss(1e-3, 2e-3, 0.02), gspo.loss(s));
        assertTrue(gspo.needsReference(s));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("epsilon", -1e-4)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("importance_sampling_level", "token")));
    }
}
