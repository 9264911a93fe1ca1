package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The variants dr_grpo, mc_grpo, ngrpo, gdpo, a_grae, seed_grpo and unlikeliness: found by name through
 * {@link ServiceLoader}, their declared defaults resolve, and the defaults reach the estimator and the loss.
 */
class AdvantageVariantsTest {

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

    @Test
    void drGrpoDefaults() {
        GrpoVariant v = byName("dr_grpo");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.0, LossAggregation.DR_GRPO), v.loss(s));
        assertEquals(RewardScaling.NONE, assertInstanceOf(GroupNormalizedAdvantage.class, v.advantage(s)).scaling());
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
        Settings custom = with(v, Map.of("beta", 0.04, "loss_type", "grpo", "epsilon_high", 0.28));
        assertEquals(new ClippedTokenLoss(0.2, 0.28, 0.04, LossAggregation.GRPO), v.loss(custom));
        assertTrue(v.needsReference(custom));
    }

    @Test
    void mcGrpoDefaults() {
        GrpoVariant v = byName("mc_grpo");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), v.loss(s));
        assertEquals(MedianCenteredAdvantage.Scale.STD, assertInstanceOf(MedianCenteredAdvantage.class, v.advantage(s)).scale());
        assertEquals(1, v.extraRollouts(s));
        assertTrue(v.needsReference(s));
        assertEquals(MedianCenteredAdvantage.Scale.NONE,
                ((MedianCenteredAdvantage) v.advantage(with(v, Map.of("scale", "none")))).scale());
        // scale: mad reaches the estimator: rewards 1, 0, 0 → MAD 0, scale 1e-3, one non-zero of three → 3000
        assertArrayEquals(new double[]{3000, 0, 0}, v.advantage(with(v, Map.of("scale", "mad")))
                .advantages(List.of(RewardGroup.scalar("p", 1, 1, 0, 0))).get(0).advantages(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("scale", "iqr")));
    }

    @Test
    void ngrpoDefaults() {
        GrpoVariant v = byName("ngrpo");
        Settings s = defaults(v);
        assertEquals(List.of("beta", "epsilon_pos", "epsilon_neg", "loss_type", "virtual_samples"), settingNames(v));
        assertEquals(new ClippedTokenLoss(0.16, 0.24, 0.0, LossAggregation.DAPO), v.loss(s));
        assertEquals(new CalibratedAdvantage(1), v.advantage(s));
        assertFalse(v.needsReference(s));
        assertEquals(0, v.extraRollouts(s));
        Settings custom = with(v, Map.of("beta", 0.01, "epsilon_pos", 0.3, "epsilon_neg", "0.1", "loss_type", "grpo",
                "virtual_samples", 2));
        assertEquals(new ClippedTokenLoss(0.1, 0.3, 0.01, LossAggregation.GRPO), v.loss(custom));
        assertEquals(new CalibratedAdvantage(2), v.advantage(custom));
        assertTrue(v.needsReference(custom));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("epsilon_neg", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("virtual_samples", 0)));
    }

    @Test
    void gdpoDefaults() {
        GrpoVariant v = byName("gdpo");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), v.loss(s));
        assertEquals(new DecoupledRewardAdvantage(true), v.advantage(s));
        assertEquals(new DecoupledRewardAdvantage(false), v.advantage(with(v, Map.of("batch_norm", "false"))));
    }

    @Test
    void aGraeDefaults() {
        GrpoVariant v = byName("a_grae");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), v.loss(s));
        assertEquals(new AsymmetricGroupAdvantage(RewardScaling.GROUP, AsymmetricGroupAdvantage.Schedule.ACCURACY, 1.0),
                v.advantage(s));
        assertEquals(new AsymmetricGroupAdvantage(RewardScaling.NONE, AsymmetricGroupAdvantage.Schedule.PROGRESS, 0.5),
                v.advantage(with(v, Map.of("scale_rewards", "none", "schedule", "progress", "alpha", 0.5))));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("alpha", 0)));
    }

    @Test
    void seedGrpoDefaults() {
        GrpoVariant v = byName("seed_grpo");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), v.loss(s));
        assertEquals(new SemanticEntropyAdvantage(RewardScaling.NONE, 0.5), v.advantage(s));
        assertEquals(new SemanticEntropyAdvantage(RewardScaling.GROUP, 1.0),
                v.advantage(with(v, Map.of("scale_rewards", "group", "alpha", 1))));
        assertThrows(IllegalArgumentException.class, () -> with(v, Map.of("alpha", 1.5)));
    }

    @Test
    void unlikelinessDefaults() {
        GrpoVariant v = byName("unlikeliness");
        Settings s = defaults(v);
        assertEquals(new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO), v.loss(s));
        assertEquals(new UnlikelinessAdvantage(RewardScaling.GROUP, 0.25, 1.0, UnlikelinessAdvantage.Likelihood.SUM),
                v.advantage(s));
        assertEquals(new UnlikelinessAdvantage(RewardScaling.BATCH, 0.5, 0.9, UnlikelinessAdvantage.Likelihood.MEAN),
                v.advantage(with(v, Map.of("scale_rewards", "batch", "rank_penalty", 0.5, "correct_threshold", 0.9,
                        "likelihood", "mean"))));
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
