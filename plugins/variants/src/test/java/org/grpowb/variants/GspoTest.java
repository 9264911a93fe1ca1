package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GSPO variant's defaults, checked by what they do (the paper's values; see {@link Gspo}). */
class GspoTest {

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

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

    /**
     * One-token completions (s = ρ), the reference far away on each; the paper's ranges clip s to [0.9997, 1.0004]:
     * <pre>
     *   s 1.0002, A +1 → 1.0002 (inside);  s 1.0005, A +1 → 1.0004 (clipped);  s 0.9996, A −1 → −0.9997 (clipped)
     *   L = −(1.0002 + 1.0004 − 0.9997) / 3 = −1.0009 / 3;  gradient −1.0002 / 3 on the first, 0 on the others
     * </pre>
     * β = 0: the reference changes nothing and is not asked for.
     */
    @Test
    void theDefaultLossClipsTheSequenceRatioTightly() {
        double[][] logp = {{Math.log(1.0002)}, {Math.log(1.0005)}, {Math.log(0.9996)}};
        double[][] ref = {{logp[0][0] - 1}, {logp[1][0] + 1}, {logp[2][0] - 2}};
        MicroBatch batch = MicroBatch.of(logp, new double[3][1], new double[][]{{1}, {1}, {-1}},
                new double[][]{{1}, {1}, {1}}, 3, 1, 3, 3).withReference(ref);
        Settings s = resolve(Map.of());
        assertEquals(List.of("epsilon", "epsilon_high", "beta"), gspo.settings().stream().map(SettingSpec::name).toList());
        PolicyLossFixture.Autograd autograd = fixture.autograd(gspo.loss(s), batch);
        assertEquals(-1.0009 / 3, value(autograd.output()), 1e-12);
        assertArrayEquals(new double[]{-1.0002 / 3, 0, 0}, autograd.gradient(), 1e-12);
        assertFalse(gspo.needsReference(s));
        assertFalse(gspo.dynamicSampling(s));
        assertTrue(gspo.tokenAdvantages(s));

        // wider ranges reach the loss: ε = ε_high = 1e-3 leaves all three inside: −(1.0002 + 1.0005 − 0.9996) / 3;
        // β 0.02 adds the k3 KL of d = −1, +1, −2: e^d − d − 1
        Settings wide = resolve(Map.of("epsilon", 1e-3, "epsilon_high", 1e-3, "beta", 0.02));
        double kl = (Math.exp(-1) + Math.exp(1) - 2) + (Math.exp(-2) + 1);
        assertEquals(-1.0011 / 3 + 0.02 * kl / 3, value(gspo.loss(wide).loss(fixture.input(batch))), 1e-12);
        assertTrue(gspo.needsReference(wide));
    }

    @Test
    void theDefaultAdvantageIsGroupNormalised() {
        double s = 0.5 + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s}, gspo.advantage(resolve(Map.of()))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("epsilon", -1e-4)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("importance_sampling_level", "token")));
    }
}
