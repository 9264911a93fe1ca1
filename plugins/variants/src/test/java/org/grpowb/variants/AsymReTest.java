package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class AsymReTest {

    private final AsymRe asymre = new AsymRe();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(asymre.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("asymre")).findFirst().orElseThrow();
        assertInstanceOf(AsymRe.class, found);
    }

    @Test
    void defaultsFollowTrinityRft() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("tau"), asymre.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new ShiftedBaselineAdvantage(-0.1), asymre.advantage(s));
        // the same REINFORCE loss as OPMD, without the regulariser
        assertEquals(new SequenceReinforceLoss(0), asymre.loss(s));
        assertFalse(asymre.needsReference(s));
    }

    @Test
    void settingsReachTheEstimator() {
        assertEquals(new ShiftedBaselineAdvantage(-0.3), asymre.advantage(resolve(Map.of("tau", -0.3))));
        assertEquals(new ShiftedBaselineAdvantage(0.0), asymre.advantage(resolve(Map.of("tau", 0))));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("tau", 5)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("baseline_shift", -0.1)));
    }
}
