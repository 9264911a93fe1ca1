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

/** The LLDS variant: GRPO with its defaults plus λ = 0.1 (the authors' runs; see {@link Llds}), checked by what it does. */
class LldsTest {

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private final Llds llds = new Llds();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(llds.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("llds")).findFirst().orElseThrow();
        assertInstanceOf(Llds.class, found);
    }

    @Test
    void theDefaultLossIsGrposPlusATenthOfThePenalty() {
        Settings s = resolve(Map.of());
        assertEquals(List.of("beta", "epsilon", "epsilon_high", "loss_type", "scale_rewards", "llds_lambda"),
                llds.settings().stream().map(SettingSpec::name).toList());
        // on GRPO's reference example every log-prob rose or stayed (ρ = 1.0, 1.5, 0.9 | 0.5, 1.1 with A = +1 | −1):
        // the positive sequence's Σ Δ = ln 1.35 > 0, so its gate is off and LLDS is GRPO exactly
        PolicyLossInput in = fixture.input(GrpoTest.REFERENCE_EXAMPLE);
        assertEquals(GrpoTest.GRPO_DEFAULT_LOSS, value(llds.loss(s).loss(in)), 1e-12);
        assertTrue(llds.needsReference(s));
        // LikelihoodPreservingLossTest's example, where two gated completions lost 0.3 + 0.2 nats over 7 tokens:
        // λ = 0.1 adds 0.1 · 0.5 / 7 to the surrogate (β's KL needs a reference, which that example has not)
        MicroBatch fell = MicroBatch.of(new double[][]{{-1.3, -0.9}, {-1.2, -0.5}, {-1.4, 0}, {-1.1, -1.1}},
                new double[][]{{-1, -1}, {-1, -1}, {-1, Double.NEGATIVE_INFINITY}, {-1, -1}},
                new double[][]{{1, 1}, {1, 1}, {-1, 0}, {0, 0}}, new double[][]{{1, 1}, {1, 1}, {1, 0}, {1, 1}},
                4, 2, 7, 4);
        double grpo = value(new Grpo().loss(Settings.resolve(new Grpo().settings(), Map.of(), "grpo"))
                .loss(fixture.input(fell)));
        assertEquals(grpo + 0.1 * 0.5 / 7, value(llds.loss(s).loss(fixture.input(fell))), 1e-12);
        assertEquals(grpo + 0.5 * 0.5 / 7, value(llds.loss(resolve(Map.of("llds_lambda", 0.5))).loss(fixture.input(fell))),
                1e-12);
        assertFalse(llds.needsReference(resolve(Map.of("beta", 0))));
    }

    @Test
    void theDefaultAdvantageIsGrpos() {
        double s = 0.5 + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s}, llds.advantage(resolve(Map.of()))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.75, -0.25, -0.25, -0.25}, llds.advantage(resolve(Map.of("scale_rewards", "none")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("llds_lambda", -0.1)));
    }
}
