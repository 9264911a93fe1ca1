package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

/** The DAPO variant's defaults, checked by what they do (the numbers are the paper's; see {@link Dapo}). */
class DapoTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private final Dapo dapo = new Dapo();

    private Settings resolve(Map<String, ?> given) {
        return Settings.resolve(dapo.settings(), given, "test");
    }

    @Test
    void isFoundByServiceLoader() {
        GrpoVariant found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals("dapo")).findFirst().orElseThrow();
        assertInstanceOf(Dapo.class, found);
    }

    /**
     * Clip-Higher with ε_low = 0.2, ε_high = 0.28, token-level loss, no KL. log π_old = −1, the reference half a nat
     * away on every token:
     * <pre>
     *   seq 0, A = +1: ρ = 1.25 (inside [0.8, 1.28]: 1.25), ρ = 1.3 (clipped: 1.28)
     *   seq 1, A = −1: ρ = 0.75 (clipped: −0.8)
     *   L = −(1.25 + 1.28 − 0.8) / 3 tokens = −0.576667    (GRPO's symmetric 0.2 would clip 1.25 too: −1.6/3)
     * </pre>
     */
    @Test
    void theDefaultLossClipsHigherAndWeighsEveryTokenAlike() {
        double[][] old = {{-1, -1}, {-1, NEG_INF}};
        double[][] logp = {{-1 + Math.log(1.25), -1 + Math.log(1.3)}, {-1 + Math.log(0.75), 0}};
        double[][] ref = {{logp[0][0] + 0.5, logp[0][1] + 0.5}, {logp[1][0] + 0.5, 9}};
        PolicyLossInput in = fixture.input(MicroBatch.of(logp, old, new double[][]{{1, 1}, {-1, 0}},
                new double[][]{{1, 1}, {1, 0}}, 2, 2, 3, 2).withReference(ref));
        Settings defaults = resolve(Map.of());
        assertEquals(-1.73 / 3, value(dapo.loss(defaults).loss(in)), 1e-12);
        assertEquals(-0.576667, value(dapo.loss(defaults).loss(in)), 1e-6);
        // the reference is ignored and not asked for: β = 0
        assertFalse(dapo.needsReference(defaults));
        // the settings reach the loss: ε_high 0.2 clips ρ = 1.25 as well; β 0.1 adds e^0.5 − 1.5 per token
        assertEquals(-1.6 / 3, value(dapo.loss(resolve(Map.of("epsilon_high", 0.2))).loss(in)), 1e-12);
        Settings kl = resolve(Map.of("beta", 0.1));
        assertEquals(-1.73 / 3 + 0.1 * (Math.exp(0.5) - 1.5), value(dapo.loss(kl).loss(in)), 1e-12);
        assertTrue(dapo.needsReference(kl));
    }

    /**
     * The default estimator shapes by the paper's proportion (L_cache = 0.2 L_max) and drops all-correct groups. With
     * L_max = 8: lengths 5, 7, 8 of three correct rollouts get 0, (6.4 − 7)/1.6 = −0.375 and −1: shaped 1, 0.625, 0.
     */
    @Test
    void theDefaultEstimatorShapesByThePapersProportionAndDropsUniformGroups() {
        Settings defaults = resolve(Map.of());
        assertTrue(dapo.dynamicSampling(defaults));
        GroupAdvantages allCorrect = dapo.advantage(defaults).advantages(List.of(group(8, new double[]{1, 1, 1}, 5, 7, 8)))
                .get(0);
        assertArrayEquals(new double[]{1, 0.625, 0}, allCorrect.rewards(), 1e-12);
        assertArrayEquals(new boolean[]{false, false, false}, allCorrect.keep());

        // without dynamic sampling the same group is kept and ranked by length alone: mean 0.541667,
        // deviations 0.458333, 0.083333, −0.541667, Σ d² = 0.510417, std = √(0.510417 / 2) = 0.505182:
        // A = 0.907263, 0.164957, −1.072220
        Settings keep = resolve(Map.of("dynamic_sampling", false));
        assertFalse(dapo.dynamicSampling(keep));
        GroupAdvantages kept = dapo.advantage(keep).advantages(List.of(group(8, new double[]{1, 1, 1}, 5, 7, 8))).get(0);
        double mean = 1.625 / 3;
        double[] d = {1 - mean, 0.625 - mean, -mean};
        double s = Math.sqrt((d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / 2) + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{d[0] / s, d[1] / s, d[2] / s}, kept.advantages(), 1e-12);
        assertArrayEquals(new double[]{0.907263, 0.164957, -1.072220}, kept.advantages(), 1e-6);

        // a wider buffer: fraction 0.5 of 8 tokens = 4, free up to 4: lengths 5, 7, 8 → −0.25, −0.75, −1
        GroupAdvantages wide = dapo.advantage(resolve(Map.of("overlong_buffer_fraction", 0.5)))
                .advantages(List.of(group(8, new double[]{1, 0, 1}, 5, 7, 8))).get(0);
        assertArrayEquals(new double[]{0.75, -0.75, 0}, wide.rewards(), 1e-12);
        // shaping off: the rewards as they came
        GroupAdvantages off = dapo.advantage(resolve(Map.of("overlong_shaping", false)))
                .advantages(List.of(group(8, new double[]{1, 0, 1}, 5, 7, 8))).get(0);
        assertArrayEquals(new double[]{1, 0, 1}, off.rewards(), 0.0);
    }

    @Test
    void badValuesAreRefusedByTheDeclaration() {
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("overlong_buffer_fraction", 0)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("overlong_buffer_fraction", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("overlong_cache", 2)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("dynamic_sampling", "yes")));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("epsilon_high", -0.1)));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("loss_type", "grpo")));
    }

    private static RewardGroup group(int maxLength, double[] rewards, int... lengths) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup("p", List.of("correct"), m, new double[]{1}, 1, Collections.nCopies(rewards.length, ""),
                lengths, new double[rewards.length], maxLength);
    }
}
