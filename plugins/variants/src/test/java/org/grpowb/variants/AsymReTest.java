package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AsymRE variant's defaults, checked by what they do (τ = −0.1 from Trinity-RFT; see {@link AsymRe}). */
class AsymReTest {

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

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
    void theDefaultBaselineSitsATenthBelowTheMean() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("tau"), asymre.settings().stream().map(SettingSpec::name).toList());
        // rewards 1, 0, 0: A = r − (1/3 − 0.1) = 0.766667, −0.233333, −0.233333; an all-wrong pair gets +0.1 each
        assertArrayEquals(new double[]{23.0 / 30, -7.0 / 30, -7.0 / 30}, asymre.advantage(s)
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.1, 0.1}, asymre.advantage(s)
                .advantages(List.of(RewardGroup.scalar("p", 1, 0, 0))).get(0).advantages(), 1e-12);
        // τ reaches the estimator: τ = 0 is OPMD's centring
        assertArrayEquals(new double[]{2.0 / 3, -1.0 / 3, -1.0 / 3}, asymre.advantage(resolve(Map.of("tau", 0)))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-12);
        assertFalse(asymre.needsReference(s));
    }

    @Test
    void theLossIsPlainReinforce() {
        // OPMD's off-policy pair (Δ = ln 2 and 0): without a regulariser the loss is the REINFORCE terms alone,
        // which cancel: 0; gradient −A / N = −0.25, 0.25
        PolicyLossFixture.Autograd autograd = fixture.autograd(asymre.loss(resolve(Map.of())), OpmdTest.OFF_POLICY);
        assertEquals(0.0, value(autograd.output()), 1e-12);
        assertArrayEquals(new double[]{-0.25, 0.25}, autograd.gradient(), 1e-12);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("tau", 5)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("baseline_shift", -0.1)));
    }
}
