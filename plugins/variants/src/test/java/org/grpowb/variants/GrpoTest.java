package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** The GRPO variant's defaults, checked by what they do (their sources are in {@link Grpo}). */
class GrpoTest {

    private static final double LN2 = Math.log(2);

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private final Grpo grpo = new Grpo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(grpo.settings(), given, "test");
    }

    /**
     * The clipped loss's running example ({@code ClippedTokenLossTest}) with the reference one step (ln 2) away on the
     * first token only: ρ = 1.0, 1.5, 0.9 with A = +1, ρ = 0.5, 1.1 with A = −1.
     * <pre>
     *   ε = 0.2:  surrogates 1.0, 1.2 (clipped), 0.9 | −0.8 (clipped), −1.1
     *   grpo aggregation: (−3.1/3 + 1.9/2) / 2 = −1/24;  KL = 1 − ln 2 on one token of the 3-token sequence:
     *   β = 0.04 adds 0.04 (1 − ln 2) / 3 / 2 = 0.002045
     * </pre>
     */
    static final MicroBatch REFERENCE_EXAMPLE;

    static {
        double[][] old = {{Math.log(0.4), Math.log(0.4), Math.log(0.5)}, {Math.log(0.8), Math.log(0.5),
                Double.NEGATIVE_INFINITY}};
        double[][] logp = {{Math.log(0.4), Math.log(0.6), Math.log(0.45)}, {Math.log(0.4), Math.log(0.55), 0}};
        double[][] ref = {{logp[0][0] + LN2, logp[0][1], logp[0][2]}, {logp[1][0], logp[1][1], 7}};
        REFERENCE_EXAMPLE = MicroBatch.of(logp, old, new double[][]{{1, 1, 1}, {-1, -1, -1}},
                new double[][]{{1, 1, 1}, {1, 1, 0}}, 2, 4, 5, 2).withReference(ref);
    }

    /** The value every variant with GRPO's default loss must give on {@link #REFERENCE_EXAMPLE}. */
    static final double GRPO_DEFAULT_LOSS = -1.0 / 24 + 0.04 * (1 - LN2) / 6;

    @Test
    void isFoundByServiceLoader() {
        List<String> names = ServiceLoader.load(GrpoVariant.class).stream().map(p -> p.get().name()).toList();
        assertEquals(1, names.stream().filter("grpo"::equals).count(), names.toString());
    }

    @Test
    void theDefaultLossIsDeepSeekMathsObjective() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("beta", "epsilon", "epsilon_high", "loss_type", "scale_rewards"),
                grpo.settings().stream().map(SettingSpec::name).toList());
        PolicyLossInput in = fixture.input(REFERENCE_EXAMPLE);
        assertEquals(GRPO_DEFAULT_LOSS, value(grpo.loss(s).loss(in)), 1e-12);
        assertEquals(-0.039621, value(grpo.loss(s).loss(in)), 1e-6);
        assertTrue(grpo.needsReference(s));
        assertEquals(0, grpo.extraRollouts(s));
        assertTrue(grpo.tokenAdvantages(s));
    }

    @Test
    void theDefaultAdvantageIsGroupNormalised() {
        // rewards 1, 0, 0, 0: mean 0.25, sample std 0.5: A = 0.75 / 0.500001, −0.25 / 0.500001
        double s = 0.5 + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s}, grpo.advantage(resolve(Map.of()))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
    }

    @Test
    void settingsReachTheLossAndTheEstimator() {
        PolicyLossInput in = fixture.input(REFERENCE_EXAMPLE);
        // β 0: no KL, no reference; dr_grpo: Σ ℓ / (N · L_max) = −1.2 / (2 · 4); dapo and bnpo: −1.2 / 5 tokens
        Settings noKl = resolve(Map.of("beta", 0, "loss_type", "dr_grpo"));
        assertEquals(-0.15, value(grpo.loss(noKl).loss(in)), 1e-12);
        assertFalse(grpo.needsReference(noKl));
        assertEquals(-0.24, value(grpo.loss(resolve(Map.of("beta", 0, "loss_type", "dapo"))).loss(in)), 1e-12);
        assertEquals(-0.24, value(grpo.loss(resolve(Map.of("beta", 0, "loss_type", "bnpo"))).loss(in)), 1e-12);
        // ε 0.1 (ε_high the same): 1.5 → 1.1, 0.9 stays (A > 0 below the range keeps ρ), 0.5 → −0.9, 1.1 stays:
        // (−(1.0 + 1.1 + 0.9)/3 + (0.9 + 1.1)/2) / 2 = 0; ε_high 0.6 only unclips 1.5: (−3.4/3 + 1.9/2)/2
        assertEquals(0.0, value(grpo.loss(resolve(Map.of("beta", 0, "epsilon", "0.1"))).loss(in)), 1e-12);
        assertEquals((-3.4 / 3 + 1.9 / 2) / 2,
                value(grpo.loss(resolve(Map.of("beta", 0, "epsilon_high", 0.6))).loss(in)), 1e-12);
        // scale_rewards none: 0.75, −0.25 × 3
        assertArrayEquals(new double[]{0.75, -0.25, -0.25, -0.25}, grpo.advantage(resolve(Map.of("scale_rewards", "none")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
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
