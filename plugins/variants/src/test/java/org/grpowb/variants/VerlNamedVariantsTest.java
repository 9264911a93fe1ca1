package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The variants named after verl's estimators, {@code rloo} and {@code reinforce_plus_plus_baseline}: found by name,
 * their default loss behaves as verl's actor defaults say (clip 0.2, token-mean, no KL), and each wires its estimator.
 *
 * <p>The loss's running example: two completions, log π_old = −1, the reference half a nat above π_θ everywhere.
 * <pre>
 *   seq 0, A = +1: ρ = 1.1, 1.3, 0.9   → min(ρA, clip(ρ, 0.8, 1.2) A) = 1.1, 1.2 (clipped), 0.9
 *   seq 1, A = −1: ρ = 0.7             → min(−0.7, −0.8) = −0.8 (clipped)
 *   token-mean over the 4 tokens: −(1.1 + 1.2 + 0.9 − 0.8) / 4 = −0.6
 *   (seq-mean-token-mean, TRL's grpo, would give (−3.2/3 + 0.8) / 2 = −0.133333; ε = 0.3 would give −0.65)
 * </pre>
 */
class VerlNamedVariantsTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final double[][] OLD = {{-1, -1, -1}, {-1, NEG_INF, NEG_INF}};
    private static final double[][] NEW = {{-1 + Math.log(1.1), -1 + Math.log(1.3), -1 + Math.log(0.9)},
            {-1 + Math.log(0.7), 0, 0}};
    private static final double[][] REF = {{NEW[0][0] + 0.5, NEW[0][1] + 0.5, NEW[0][2] + 0.5}, {NEW[1][0] + 0.5, 9, 9}};
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, new double[][]{{1, 1, 1}, {-1, 0, 0}},
            new double[][]{{1, 1, 1}, {1, 0, 0}}, 2, 3, 4, 2).withReference(REF);

    private static GrpoVariant byName(String name) {
        List<GrpoVariant> found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals(name)).toList();
        assertEquals(1, found.size(), "variants named " + name);
        return found.get(0);
    }

    private static Settings with(GrpoVariant v, Map<String, ?> given) {
        return Settings.resolve(v.settings(), given, "test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rloo", "reinforce_plus_plus_baseline"})
    void theDefaultLossIsVerlsActor(String name) {
        GrpoVariant v = byName(name);
        Settings defaults = with(v, Map.of());
        PolicyLossInput in = fixture.input(EXAMPLE);
        // clip_ratio 0.2 on both sides, loss_agg_mode token-mean, use_kl_loss false: the reference is ignored
        assertEquals(-0.6, value(v.loss(defaults).loss(in)), 1e-12);
        assertFalse(v.needsReference(defaults));
        assertTrue(v.tokenAdvantages(defaults));
        assertEquals(0, v.extraRollouts(defaults));
        assertFalse(v.dynamicSampling(defaults));
        // each setting reaches the loss: ε 0.3 unclips ρ = 1.3 and 0.7; grpo aggregation; β 0.1 adds the k3 KL
        // e^0.5 − 0.5 − 1 = 0.148721 of every token, a token mean of the same
        assertEquals(-0.65, value(v.loss(with(v, Map.of("epsilon", 0.3))).loss(in)), 1e-12);
        assertEquals((-3.2 / 3 + 0.8) / 2, value(v.loss(with(v, Map.of("loss_type", "grpo"))).loss(in)), 1e-12);
        Settings kl = with(v, Map.of("beta", 0.1));
        assertEquals(-0.6 + 0.1 * (Math.exp(0.5) - 1.5), value(v.loss(kl).loss(in)), 1e-12);
        assertTrue(v.needsReference(kl));
        // clip-higher: ε_high 0.35 unclips 1.3 only → −(1.1 + 1.3 + 0.9 − 0.8) / 4 = −0.625
        assertEquals(-0.625, value(v.loss(with(v, Map.of("epsilon_high", 0.35))).loss(in)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("loss_type", "seq-mean-token-mean")));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("clip_ratio", 0.2)));
    }

    @Test
    void rlooComparesEachRolloutWithTheOthers() {
        GrpoVariant v = byName("rloo");
        // rewards 1, 0, 0, 0: 1 − 0 = 1, 0 − 1/3 = −1/3 (GRPO: 1.5, −0.5; Dr. GRPO: 0.75, −0.25)
        GroupAdvantages a = v.advantage(with(v, Map.of())).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0)))
                .get(0);
        assertArrayEquals(new double[]{1, -1.0 / 3, -1.0 / 3, -1.0 / 3}, a.advantages(), 1e-12);
    }

    @Test
    void reinforcePlusPlusBaselineWhitensOverTheBatch() {
        GrpoVariant v = byName("reinforce_plus_plus_baseline");
        // groups (1, 0) and (1, 1, 1, 0), lengths all 1: centred ±0.5 and 0.25 × 3, −0.75; T = 6, μ = 0,
        // Σ a² = 0.5 + 3 · 0.0625 + 0.5625 = 1.25, σ² = 1.25 / 5 = 0.25: A = ±1 and 0.5 × 3, −1.5
        List<GroupAdvantages> out = v.advantage(with(v, Map.of())).advantages(List.of(
                group(new double[]{1, 0}), group(new double[]{1, 1, 1, 0})));
        double s = Math.sqrt(0.25 + 1e-8);
        assertArrayEquals(new double[]{0.5 / s, -0.5 / s}, out.get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.25 / s, 0.25 / s, 0.25 / s, -0.75 / s}, out.get(1).advantages(), 1e-12);
        assertArrayEquals(new double[]{1, -1}, out.get(0).advantages(), 1e-7);
    }

    private static RewardGroup group(double[] rewards) {
        double[][] m = new double[rewards.length][1];
        int[] lengths = new int[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
            lengths[i] = 1;
        }
        return new RewardGroup("p", List.of("reward"), m, new double[]{1}, 1, Collections.nCopies(rewards.length, ""),
                lengths, new double[rewards.length], 4);
    }
}
