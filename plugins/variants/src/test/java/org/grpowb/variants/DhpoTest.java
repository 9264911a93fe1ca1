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
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DHPO variant's defaults, checked by what they do (their sources are in {@link Dhpo}). */
class DhpoTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

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

    /**
     * Averaged mixing (w = ½), token range [0.8, 1.28] (DAPO's), sequence range [0.9997, 1.0004] (GSPO's), grpo
     * aggregation, no KL:
     * <pre>
     *   seq 0, A = +1: ρ = 1.25, 0.81, s = √(1.25 · 0.81) = 1.006231 → clip 1.0004
     *     token 0: ρ̃ = ½ 1.25 + ½ 1.006231 = 1.128116, ρ_mix = ½ 1.25 + ½ 1.0004 = 1.1252 → 1.1252
     *     token 1: ρ̃ = ½ 0.81 + ½ 1.006231 = 0.908116, ρ_mix = ½ 0.81 + ½ 1.0004 = 0.9052 → 0.9052
     *   seq 1, A = −1: ρ = s = 0.7 → ρ̃ = 0.7, ρ_mix = ½ 0.8 + ½ 0.9997 = 0.89985 → min(−0.7, −0.89985) = −0.89985
     *   L = (−(1.1252 + 0.9052)/2 + 0.89985) / 2 = −0.057675        (dapo aggregation: −0.376850)
     * </pre>
     */
    @Test
    void theDefaultLossMixesTheParentsRanges() {
        double[][] old = {{0, 0}, {0, NEG_INF}};
        double[][] logp = {{Math.log(1.25), Math.log(0.81)}, {Math.log(0.7), 0}};
        MicroBatch batch = MicroBatch.of(logp, old, new double[][]{{1, 1}, {-1, 0}}, new double[][]{{1, 1}, {1, 0}},
                2, 2, 3, 2).withReference(new double[][]{{1, 1}, {1, 1}})
                .withEntropies(new double[][]{{2.0, 0.1}, {0.5, 0}});
        PolicyLossInput in = fixture.input(batch);
        Settings s = resolve(Map.of());
        assertEquals(List.of("mixing", "epsilon", "epsilon_high", "sequence_epsilon", "sequence_epsilon_high", "beta",
                "loss_type"), dhpo.settings().stream().map(SettingSpec::name).toList());
        assertEquals(-0.057675, value(dhpo.loss(s).loss(in)), 1e-12);
        assertFalse(dhpo.needsReference(s));
        assertEquals(-0.37685, value(dhpo.loss(resolve(Map.of("loss_type", "dapo"))).loss(in)), 1e-12);
        // entropy mixing reaches the loss: w = 1, 0.05 on seq 0, 1 on seq 1:
        //   token 0 (w 1): min(1.25, 1.25) = 1.25; token 1 (w 0.05): ρ̃ = 0.0405 + 0.95 · 1.006231 = 0.996420,
        //   ρ_mix = 0.0405 + 0.95 · 1.0004 = 0.990880 → 0.990880; seq 1 (w 1): min(−0.7, −0.8) = −0.8
        //   L = (−(1.25 + 0.99088)/2 + 0.8) / 2 = −0.16022
        assertEquals(-0.16022, value(dhpo.loss(resolve(Map.of("mixing", "entropy"))).loss(in)), 1e-12);
        Settings kl = resolve(Map.of("beta", 0.04));
        assertTrue(dhpo.needsReference(kl));
    }

    @Test
    void theDefaultAdvantageIsGroupNormalised() {
        double s = 0.5 + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s}, dhpo.advantage(resolve(Map.of()))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("mixing", "geometric")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("loss_type", "ppo")));
    }
}
