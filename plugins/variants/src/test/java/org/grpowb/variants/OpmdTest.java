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

/** The OPMD variant's defaults, checked by what they do (τ = 1 from Trinity-RFT; see {@link Opmd}). */
class OpmdTest {

    private static final double LN2 = Math.log(2);

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private final Opmd opmd = new Opmd();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(opmd.settings(), given, "test");
    }

    /**
     * Two one-token completions, A = +0.5 and −0.5, log π_θ = ln ½ on both; π_old was ¼ for the first (Δ = ln 2) and
     * ½ for the second (Δ = 0). The REINFORCE terms cancel, −(1/2)(0.5 ln ½ − 0.5 ln ½) = 0, so the loss is τ's
     * regulariser alone: (τ / 2N) Δ² = ln² 2 / 4 = 0.120113 at τ = 1; gradient (−A + τ Δ) / N = (−0.5 + ln 2) / 2,
     * 0.5 / 2.
     */
    static final MicroBatch OFF_POLICY = MicroBatch.of(new double[][]{{Math.log(0.5)}, {Math.log(0.5)}},
            new double[][]{{Math.log(0.25)}, {Math.log(0.5)}}, new double[][]{{0.5}, {-0.5}},
            new double[][]{{1}, {1}}, 2, 1, 2, 2);

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("opmd")).findFirst().orElseThrow();
        assertInstanceOf(Opmd.class, found);
    }

    @Test
    void theDefaultRegulariserPullsTowardsTheSamplingPolicy() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("tau"), opmd.settings().stream().map(SettingSpec::name).toList());
        PolicyLossFixture.Autograd autograd = fixture.autograd(opmd.loss(s), OFF_POLICY);
        assertEquals(LN2 * LN2 / 4, value(autograd.output()), 1e-12);
        assertEquals(0.120113, value(autograd.output()), 1e-6);
        assertArrayEquals(new double[]{(-0.5 + LN2) / 2, 0.25}, autograd.gradient(), 1e-12);
        assertFalse(opmd.needsReference(s));
        // τ 0.25 reaches the loss: ln² 2 / 16
        assertEquals(LN2 * LN2 / 16, value(opmd.loss(resolve(Map.of("tau", "0.25"))).loss(fixture.input(OFF_POLICY))),
                1e-12);
    }

    @Test
    void theDefaultAdvantageIsTheCentredReward() {
        // rewards 1, 0, 0: A = r − mean(r) = 2/3, −1/3, −1/3, no std
        assertArrayEquals(new double[]{2.0 / 3, -1.0 / 3, -1.0 / 3}, opmd.advantage(resolve(Map.of()))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-12);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("tau", -1)));
    }
}
