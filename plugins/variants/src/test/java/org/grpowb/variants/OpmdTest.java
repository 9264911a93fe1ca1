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

class OpmdTest {

    private final Opmd opmd = new Opmd();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(opmd.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("opmd")).findFirst().orElseThrow();
        assertInstanceOf(Opmd.class, found);
    }

    @Test
    void defaultsFollowTrinityRft() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("tau"), opmd.settings().stream().map(SettingSpec::name).toList());
        assertEquals(new SequenceReinforceLoss(1.0), opmd.loss(s));
        assertEquals(new ShiftedBaselineAdvantage(0.0), opmd.advantage(s));
        assertFalse(opmd.needsReference(s));
    }

    @Test
    void settingsReachTheLoss() {
        assertEquals(new SequenceReinforceLoss(0.25), opmd.loss(resolve(Map.of("tau", "0.25"))));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("tau", -1)));
    }
}
