package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The variants dr_grpo, mc_grpo, ngrpo, gdpo, a_grae, seed_grpo and unlikeliness: found by name through
 * {@link ServiceLoader}, their declared defaults resolve, and the defaults do what their sources say, checked on
 * hand-computed groups and micro-batches rather than by restating the constants.
 */
class AdvantageVariantsTest {

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final List<String> NAMES = List.of("dr_grpo", "mc_grpo", "ngrpo", "gdpo", "a_grae", "seed_grpo",
            "unlikeliness");

    private static GrpoVariant byName(String name) {
        List<GrpoVariant> found = ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get)
                .filter(v -> v.name().equals(name)).toList();
        assertEquals(1, found.size(), "variants named " + name);
        return found.get(0);
    }

    private static Settings defaults(GrpoVariant v) {
        return Settings.resolve(v.settings(), Map.of(), "");
    }

    private static Settings with(GrpoVariant v, Map<String, ?> given) {
        return Settings.resolve(v.settings(), given, "test");
    }

    private static List<String> settingNames(GrpoVariant v) {
        return v.settings().stream().map(SettingSpec::name).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dr_grpo", "mc_grpo", "ngrpo", "gdpo", "a_grae", "seed_grpo", "unlikeliness"})
    void isFoundByNameAndItsDefaultsResolve(String name) {
        GrpoVariant v = byName(name);
        Settings s = defaults(v);
        assertEquals(new HashSet<>(settingNames(v)), s.values().keySet());
        assertEquals(settingNames(v).size(), new HashSet<>(settingNames(v)).size(), "setting names are unique");
        assertNotNull(v.advantage(s));
        assertNotNull(v.loss(s));
        assertFalse(v.description().isBlank());
        assertFalse(v.dynamicSampling(s));
        // the defaults give finite advantages on a small group, for every variant
        List<GroupAdvantages> out = v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0)), 0.5);
        for (double a : out.get(0).advantages()) {
            assertTrue(Double.isFinite(a));
        }
    }

    @Test
    void everyNameIsRegisteredOnce() {
        Map<String, Long> counts = ServiceLoader.load(GrpoVariant.class).stream().map(p -> p.get().name())
                .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        for (String name : NAMES) {
            assertEquals(1L, counts.get(name), name + " in " + counts.keySet());
        }
    }

    @Test
    void clippedLossVariantsExposeGrposFourSettings() {
        for (String name : List.of("dr_grpo", "mc_grpo", "gdpo", "a_grae", "seed_grpo", "unlikeliness")) {
            assertEquals(List.of("beta", "epsilon", "epsilon_high", "loss_type"), settingNames(byName(name)).subList(0, 4),
                    name);
        }
    }

    /**
     * The variants that keep GRPO's loss and its defaults (MC-GRPO, GDPO, A-GRAE, SEED-GRPO and the unlikeliness reward
     * change the advantage only, so their papers train with GRPO's objective): on GRPO's reference example
     * ({@link GrpoTest#REFERENCE_EXAMPLE}) their default loss gives GRPO's hand-computed value, which needs ε = 0.2,
     * β = 0.04 with the k3 KL and the per-sequence mean.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mc_grpo", "gdpo", "a_grae", "seed_grpo", "unlikeliness"})
    void theDefaultLossIsGrpos(String name) {
        GrpoVariant v = byName(name);
        Settings s = defaults(v);
        assertEquals(GrpoTest.GRPO_DEFAULT_LOSS, value(v.loss(s).loss(fixture.input(GrpoTest.REFERENCE_EXAMPLE))), 1e-12);
        assertTrue(v.needsReference(s));
        // and the four settings reach it: β 0, dapo aggregation, ε 0.1 with ε_high 0.6 → the surrogates
        // 1.0, 1.5, 0.9 | −0.9, −1.1 summed over 5 tokens: −(3.4 − 2.0) / 5 = −0.28
        Settings custom = with(v, Map.of("beta", 0, "loss_type", "dapo", "epsilon", 0.1, "epsilon_high", 0.6));
        assertEquals(-0.28, value(v.loss(custom).loss(fixture.input(GrpoTest.REFERENCE_EXAMPLE))), 1e-12);
        assertFalse(v.needsReference(custom));
    }

    @Test
    void drGrpoRemovesBothNormalisations() {
        GrpoVariant v = byName("dr_grpo");
        Settings s = defaults(v);
        // the loss: Σ ℓ / (N · L_max) = −1.2 / (2 · 4) on GRPO's reference example, no KL (β = 0, TRL's default)
        assertEquals(-0.15, value(v.loss(s).loss(fixture.input(GrpoTest.REFERENCE_EXAMPLE))), 1e-12);
        assertFalse(v.needsReference(s));
        assertEquals(0, v.extraRollouts(s));
        // rewards 1, 0, 0: A = r − mean = 2/3, −1/3, −1/3
        assertArrayEquals(new double[]{2.0 / 3, -1.0 / 3, -1.0 / 3},
                v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-12);
        // single correct of four: 0.75, −0.25 × 3 (GRPO: 1.5, −0.5 × 3); G = 2: ±0.5 (GRPO: ±0.707); all equal: exactly 0
        assertArrayEquals(new double[]{0.75, -0.25, -0.25, -0.25},
                v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0))).get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.5, -0.5},
                v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0))).get(0).advantages(), 1e-12);
        assertTrue(v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 0.1, 0.1, 0.1))).get(0).allZero());
        // back to GRPO's objective for an ablation: β 0.04, grpo aggregation
        Settings custom = with(v, Map.of("beta", 0.04, "loss_type", "grpo"));
        assertEquals(GrpoTest.GRPO_DEFAULT_LOSS, value(v.loss(custom).loss(fixture.input(GrpoTest.REFERENCE_EXAMPLE))),
                1e-12);
        assertTrue(v.needsReference(custom));
    }

    @Test
    void mcGrpoCentresOnTheMedianOfGPlusOne() {
        GrpoVariant v = byName("mc_grpo");
        Settings s = defaults(v);
        assertEquals(1, v.extraRollouts(s));
        // G + 1 = 3 rewards 1, 0, 0: m = 0, std = √(1/3): A = 1.732048, 0, 0 with the pivot (rollout 2) masked
        GroupAdvantages a = v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0);
        assertArrayEquals(new double[]{1 / (Math.sqrt(1.0 / 3) + 1e-6), 0, 0}, a.advantages(), 1e-12);
        assertArrayEquals(new boolean[]{true, true, false}, a.keep());
        // scale none: 1, 0, 0; scale mad (the authors' code): MAD 0, scale 1e-3, one non-zero of three → 3000
        assertArrayEquals(new double[]{1, 0, 0}, v.advantage(with(v, Map.of("scale", "none")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 0.0);
        assertArrayEquals(new double[]{3000, 0, 0}, v.advantage(with(v, Map.of("scale", "mad")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("scale", "iqr")));
    }

    /**
     * NGRPO's defaults, from the authors' script: asymmetric clipping 1 − 0.16 / 1 + 0.24, token-level mean, no KL.
     * <pre>
     *   seq 0, A = +1: ρ = 1.2 (inside: 1.2; GRPO's 0.2 would be at its edge), 1.3 (clipped: 1.24)
     *   seq 1, A = −1: ρ = 0.82 (clipped: −0.84; GRPO's 0.8 would leave it at −0.82)
     *   L = −(1.2 + 1.24 − 0.84) / 3 = −1.6 / 3
     * </pre>
     */
    @Test
    void ngrpoClipsAsymmetricallyAndCalibratesWithAVirtualBestRollout() {
        GrpoVariant v = byName("ngrpo");
        Settings s = defaults(v);
        assertEquals(List.of("beta", "epsilon_pos", "epsilon_neg", "loss_type", "virtual_samples"), settingNames(v));
        double[][] old = {{0, 0}, {0, Double.NEGATIVE_INFINITY}};
        double[][] logp = {{Math.log(1.2), Math.log(1.3)}, {Math.log(0.82), 0}};
        MicroBatch batch = MicroBatch.of(logp, old, new double[][]{{1, 1}, {-1, 0}}, new double[][]{{1, 1}, {1, 0}},
                2, 2, 3, 2);
        assertEquals(-1.6 / 3, value(v.loss(s).loss(fixture.input(batch))), 1e-12);
        assertFalse(v.needsReference(s));
        assertEquals(0, v.extraRollouts(s));
        // one virtual r_max: an all-wrong group of four gets −0.2 / (√0.2 + 1e-6) = −0.447213 each
        double a = -0.2 / (Math.sqrt(0.2) + 1e-6);
        assertArrayEquals(new double[]{a, a, a, a}, v.advantage(s).advantages(List.of(RewardGroup.scalar("p", 1, 0, 0, 0, 0)))
                .get(0).advantages(), 1e-12);
        // settings reach both: ε_neg 0.1 unclips nothing new but moves the floor to 0.9: −(1.2 + 1.24 − 0.9) / 3;
        // two virtual rollouts: values 0, 0, 1, 1 → A = −0.5 / (√(1/3) + 1e-6) each
        Settings custom = with(v, Map.of("epsilon_neg", "0.1", "virtual_samples", 2));
        assertEquals(-1.54 / 3, value(v.loss(custom).loss(fixture.input(batch))), 1e-12);
        double b = -0.5 / (Math.sqrt(1.0 / 3) + 1e-6);
        assertArrayEquals(new double[]{b, b}, v.advantage(custom).advantages(List.of(RewardGroup.scalar("p", 1, 0, 0)))
                .get(0).advantages(), 1e-12);
        assertTrue(v.needsReference(with(v, Map.of("beta", 0.01))));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("epsilon_neg", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("virtual_samples", 0)));
    }

    @Test
    void gdpoNormalisesEachRewardThenTheBatch() {
        GrpoVariant v = byName("gdpo");
        // groups (correct, format) a: (1, 0), (0, 0) and b: (1, 1), (0, 0), G = 2, weights 1, 1:
        // per reward ±u with u = 0.5 / (√0.5 + 1e-6), so a = ±u and b = ±2u; batch_norm (the default): mean 0,
        // sample std √((2u² + 8u²) / 3) = u √(10/3), so a = ±(1/√(10/3)) / (1 + …) and b twice that
        RewardGroup a = new RewardGroup("a", List.of("correct", "format"), new double[][]{{1, 0}, {0, 0}},
                new double[]{1, 1}, 2);
        RewardGroup b = new RewardGroup("b", List.of("correct", "format"), new double[][]{{1, 1}, {0, 0}},
                new double[]{1, 1}, 2);
        double u = 0.5 / (Math.sqrt(0.5) + 1e-6);
        double scale = u * Math.sqrt(10.0 / 3) + 1e-6;
        List<GroupAdvantages> out = v.advantage(defaults(v)).advantages(List.of(a, b));
        assertArrayEquals(new double[]{u / scale, -u / scale}, out.get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{2 * u / scale, -2 * u / scale}, out.get(1).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.547723, -0.547723}, out.get(0).advantages(), 1e-6);
        // batch_norm false leaves ±u and ±2u
        List<GroupAdvantages> raw = v.advantage(with(v, Map.of("batch_norm", "false"))).advantages(List.of(a, b));
        assertArrayEquals(new double[]{2 * u, -2 * u}, raw.get(1).advantages(), 1e-12);
    }

    @Test
    void aGraeStartsFromGrposAdvantageOnTheAccuracyClock() {
        GrpoVariant v = byName("a_grae");
        // rewards 1, 0, 0, 0: GRPO's A = 1.5, −0.5 (÷ 0.500001), p = 0.25 = the clock s, √p = 0.5 so easy = hard = A;
        // α = 1: λ_pos = 0.25: A' = 0.375, −0.5, −0.5, −0.5 (to 1e-5)
        GroupAdvantages a = v.advantage(defaults(v)).advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0)), 0.9)
                .get(0);
        assertArrayEquals(new double[]{0.375, -0.5, -0.5, -0.5}, a.advantages(), 1e-5);
        // α 0.5 doubles λ_pos; the progress schedule at progress 0 suppresses positives entirely
        assertEquals(0.75, v.advantage(with(v, Map.of("alpha", 0.5)))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0)), 0.9).get(0).advantages()[0], 1e-5);
        assertEquals(0.0, v.advantage(with(v, Map.of("schedule", "progress")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0, 0)), 0).get(0).advantages()[0], 0.0);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("alpha", 0)));
    }

    @Test
    void seedGrpoDampsDisagreeingGroupsByHalf() {
        GrpoVariant v = byName("seed_grpo");
        // rewards 1, 1, 0, 0 with answers 7, 7, 8, 9: scale none A = ±0.5, SE / log 4 = 0.75, α = 0.5: × 0.625
        RewardGroup g = new RewardGroup("p", List.of("reward"), new double[][]{{1}, {1}, {0}, {0}}, new double[]{1}, 1,
                List.of("7", "7", "8", "9"), new int[4], new double[4], 16);
        assertArrayEquals(new double[]{0.3125, 0.3125, -0.3125, -0.3125},
                v.advantage(defaults(v)).advantages(List.of(g)).get(0).advantages(), 1e-12);
        assertArrayEquals(new double[]{0.125, 0.125, -0.125, -0.125},
                v.advantage(with(v, Map.of("alpha", 1))).advantages(List.of(g)).get(0).advantages(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("alpha", 1.5)));
    }

    @Test
    void unlikelinessRewardsTheLessLikelyCorrectCompletion() {
        GrpoVariant v = byName("unlikeliness");
        // rewards 1, 1, 0, 0, log π_old −5, −2, −1, −9: shaped 1, 0.9375, 0, 0 (β_u = 0.25, sum likelihood,
        // correct = reached r_max), then group-normalised: mean 0.484375
        RewardGroup g = new RewardGroup("p", List.of("reward"), new double[][]{{1}, {1}, {0}, {0}}, new double[]{1}, 1,
                Collections.nCopies(4, ""), new int[]{10, 3, 1, 1}, new double[]{-5, -2, -1, -9}, 16);
        GroupAdvantages a = v.advantage(defaults(v)).advantages(List.of(g)).get(0);
        assertArrayEquals(new double[]{1, 0.9375, 0, 0}, a.rewards(), 1e-12);
        double[] d = {0.515625, 0.453125, -0.484375, -0.484375};
        double s = Math.sqrt((d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + d[3] * d[3]) / 3) + 1e-6;
        assertArrayEquals(new double[]{d[0] / s, d[1] / s, d[2] / s, d[3] / s}, a.advantages(), 1e-12);
        // per-token likelihood (−0.5 and −0.667): rollout 1 is now the less likely one; rank penalty 0.5 doubles the cut
        assertArrayEquals(new double[]{0.9375, 1, 0, 0}, v.advantage(with(v, Map.of("likelihood", "mean")))
                .advantages(List.of(g)).get(0).rewards(), 1e-12);
        assertArrayEquals(new double[]{1, 0.875, 0, 0}, v.advantage(with(v, Map.of("rank_penalty", 0.5)))
                .advantages(List.of(g)).get(0).rewards(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("correct_threshold", 2)));
    }

    @Test
    void unknownAndBadSettingsAreRefused() {
        for (String name : NAMES) {
            GrpoVariant v = byName(name);
            assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("no_such_setting", 1)), name);
            assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("loss_type", "ppo")), name);
            assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("beta", -0.1)), name);
        }
    }
}
