package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.grpowb.api.Verdict;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered variant trains for real in the engine (a warm-started tiny model, two rewards so that totals are
 * graded: exact answer 1.0 and answer format 0.5, each optimiser batch split in two so that the second optimiser step
 * of every batch is off-policy), and shows in the store what it promises. A variant registered without a check here
 * fails {@link #everyRegisteredVariantHasACheck}.
 */
class EveryVariantEndToEndTest {

    private static final String REWARDS = """
            rewards:
              - {name: exact_answer, weight: 1.0}
              - {name: answer_format, weight: 0.5}
            """;
    private static final int STEPS = 4;

    @TempDir
    Path dir;

    /** What a run left in the store. */
    record Run(Project project, List<StepRecord> steps) {
        List<GroupRecord> groups() {
            return steps.stream().flatMap(s -> s.groups().stream()).toList();
        }

        List<StepMetrics> metrics() {
            return steps.stream().map(StepRecord::metrics).toList();
        }

        double setting(String name) {
            return project.variant().settings().number(name);
        }
    }

    /** A variant, its settings and training overrides, and what its run must show. */
    record Case(String variant, String settings, String training, Consumer<Run> check) {
        @Override
        public String toString() {
            return variant;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("grpo", "{beta: 0.02}", "", run -> eachKeptGroup(run, (g, r, a) ->
                        assertArrayClose(standardised(r), a, "GRPO: (r − mean) / (std + 1e-6)"))),
                new Case("dr_grpo", "{}", "", run -> eachKeptGroup(run, (g, r, a) ->
                        assertArrayClose(centred(r), a, "Dr. GRPO: r − mean, no std"))),
                new Case("rloo", "{}", "", run -> eachKeptGroup(run, (g, r, a) -> {
                    double[] expected = centred(r);
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] *= r.length / (r.length - 1.0);
                    }
                    assertArrayClose(expected, a, "RLOO: r_i − mean of the others = G/(G−1) (r_i − mean)");
                })),
                new Case("reinforce_plus_plus_baseline", "{}", "", EveryVariantEndToEndTest::batchWhitened),
                new Case("dapo", "{}", "max_resample_rounds: 3", EveryVariantEndToEndTest::groupsReplaced),
                new Case("gspo", "{}", "", EveryVariantEndToEndTest::gspoClipsOnlyOffPolicy),
                new Case("dhpo", "{}", "", run -> {
                    eachKeptGroup(run, (g, r, a) -> assertArrayClose(standardised(r), a, "DHPO: GRPO's advantages"));
                    assertTrue(run.metrics().stream().anyMatch(m -> m.extra().get("seq_ratio_mean") != 1.0),
                            "off-policy steps move the sequence ratio that DHPO mixes in");
                }),
                new Case("mc_grpo", "{}", "group_size: 4", EveryVariantEndToEndTest::pivotMasked),
                new Case("ngrpo", "{}", "", EveryVariantEndToEndTest::allWrongGroupsCarryGradient),
                new Case("gdpo", "{batch_norm: false}", "", EveryVariantEndToEndTest::perRewardNormalisation),
                new Case("a_grae", "{}", "", EveryVariantEndToEndTest::positiveAdvantagesDamped),
                new Case("seed_grpo", "{}", "", EveryVariantEndToEndTest::scaledBySemanticEntropy),
                new Case("unlikeliness", "{}", "", EveryVariantEndToEndTest::equalRewardsUnequalAdvantages),
                new Case("opmd", "{}", "", run -> positiveMetric(run, "seq_log_ratio_sq",
                        "OPMD's regulariser (log π_θ(y) − log π_old(y))² once steps are off-policy")),
                new Case("asymre", "{}", "", run -> eachKeptGroup(run, (g, r, a) -> {
                    double[] expected = centred(r);
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] -= run.setting("tau");
                    }
                    assertArrayClose(expected, a, "AsymRE: r − mean − τ");
                })),
                new Case("llds", "{}", "", run -> positiveMetric(run, "llds_penalty",
                        "LLDS's penalty on likelihood falls once steps are off-policy")));
    }

    @Test
    void everyRegisteredVariantHasACheck() {
        List<String> checked = cases().map(Case::variant).sorted().toList();
        // test_* variants are this module's test plugins (a NaN loss), not the workbench's
        List<String> registered = PluginRegistry.discover().variantNames().stream()
                .filter(n -> !n.startsWith("test_")).sorted().toList();
        assertEquals(registered, checked, "every registered variant needs an end-to-end check");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainsAndShowsWhatItPromises(Case c) throws Exception {
        Run run = train(c.variant(), c.settings(), "steps_per_generation: 2"
                + (c.training().isEmpty() ? "" : ", " + c.training()));
        for (StepMetrics m : run.metrics()) {
            assertTrue(Double.isFinite(m.loss()), "step " + m.step() + " of " + c.variant() + ": loss " + m.loss());
        }
        c.check().accept(run);
    }

    /** OPMD's regulariser is exactly 0 when π_old is π_θ detached (one optimiser step per batch). */
    @Test
    void onPolicyTheOffPolicyTermsVanish() throws Exception {
        Run opmd = train("opmd", "{}", "steps_per_generation: 1");
        for (StepMetrics m : opmd.metrics()) {
            assertEquals(0.0, m.extra().get("seq_log_ratio_sq"), 0.0, "step " + m.step());
        }
        Run gspo = train("gspo", "{}", "steps_per_generation: 1");
        for (StepMetrics m : gspo.metrics()) {
            assertEquals(0.0, m.clipFrac(), 0.0, "GSPO's 3e-4 clip cannot fire on sampler/scorer noise");
        }
    }

    private Run train(String variant, String settings, String training) throws Exception {
        Path d = dir.resolve(variant + "-" + Integer.toHexString(training.hashCode()));
        Project p = EngineFixture.project(d, TestProjects.tinyYaml("variant: {name: " + variant + ", settings: "
                + settings + "}\n", REWARDS, TestProjects.training(STEPS, training)), Map.of());
        try (RunStore store = RunStore.open(d.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, null).start();
            assertEquals("done", s.status(), s.message());
            List<StepRecord> steps = new ArrayList<>();
            for (int k = 1; k <= STEPS; k++) {
                steps.add(store.step(s.runId(), k).orElseThrow());
            }
            return new Run(p, steps);
        }
    }

    // ---- what each variant promises ----

    private interface GroupCheck {
        void check(GroupRecord g, double[] rewards, double[] advantages);
    }

    private static void eachKeptGroup(Run run, GroupCheck check) {
        for (GroupRecord g : run.groups()) {
            check.check(g, g.rollouts().stream().mapToDouble(RolloutRecord::reward).toArray(),
                    g.rollouts().stream().mapToDouble(RolloutRecord::advantage).toArray());
        }
    }

    private static void batchWhitened(Run run) {
        // verl's REINFORCE++-baseline: r − group mean, then whitened over the batch's response tokens
        for (StepRecord step : run.steps()) {
            double tokens = 0;
            double sum = 0;
            double sq = 0;
            for (GroupRecord g : step.groups()) {
                for (RolloutRecord r : g.rollouts()) {
                    tokens += r.trace().length();
                    sum += r.advantage() * r.trace().length();
                    sq += r.advantage() * r.advantage() * r.trace().length();
                }
            }
            double mean = sum / tokens;
            assertEquals(0.0, mean, 1e-4, "step " + step.metrics().step() + ": token-weighted mean of A");
            // verl's masked_var is Bessel-corrected over the tokens
            assertEquals(1.0, (sq / tokens - mean * mean) * tokens / (tokens - 1), 1e-3, "token-weighted variance of A");
        }
    }

    private static void groupsReplaced(Run run) {
        double dropped = run.metrics().stream().mapToDouble(m -> m.extra().get("dropped_groups")).sum();
        assertTrue(dropped > 0, "the warm start makes some all-equal groups, which DAPO drops");
        for (StepRecord step : run.steps()) {
            StepMetrics m = step.metrics();
            assertEquals(m.extra().get("sampled_groups") - m.extra().get("dropped_groups"), step.groups().size(),
                    "trained groups = sampled − dropped");
            assertTrue(m.extra().containsKey("filtered_reward_mean"), "the post-filter figures have their own names");
            List<String> ids = step.groups().stream().map(GroupRecord::promptId).toList();
            assertEquals(ids.size(), ids.stream().distinct().count(), "a refill never draws a prompt already in: " + ids);
        }
    }

    private static void gspoClipsOnlyOffPolicy(Run run) {
        // ε = 3e-4: the first optimiser step of a batch is on-policy; its second half moves after the first's update
        assertTrue(run.metrics().stream().anyMatch(m -> m.clipFrac() > 0), "GSPO's tight clip acts off-policy");
        for (GroupRecord g : run.groups()) {
            for (RolloutRecord r : g.rollouts()) {
                assertNotNull(r.trace().clipped(), "GSPO-token flags clipping per token");
            }
        }
    }

    private static void pivotMasked(Run run) {
        for (GroupRecord g : run.groups()) {
            assertEquals(5, g.rollouts().size(), "G + 1 = 5 rollouts");
            List<RolloutRecord> masked = g.rollouts().stream().filter(r -> !r.kept()).toList();
            assertEquals(1, masked.size(), "exactly one pivot");
            double median = g.rollouts().stream().mapToDouble(RolloutRecord::reward).sorted().toArray()[2];
            assertEquals(0.0, masked.get(0).advantage(), 0.0);
            assertEquals(median, masked.get(0).reward(), 0.0, "the pivot sits at the median");
            for (RolloutRecord k : g.rollouts()) {
                assertEquals(Math.signum(k.reward() - median), Math.signum(k.advantage()), 0.0,
                        "A = (r − median) / scale");
            }
        }
    }

    private static void allWrongGroupsCarryGradient(Run run) {
        int allWrong = 0;
        for (GroupRecord g : run.groups()) {
            if (g.rollouts().stream().noneMatch(r -> r.verdict() == Verdict.CORRECT)) {
                allWrong++;
                assertTrue(g.rollouts().stream().anyMatch(r -> r.advantage() != 0), "NGRPO: no all-wrong group is lost");
                if (g.rollouts().stream().mapToDouble(RolloutRecord::reward).distinct().count() == 1) {
                    for (RolloutRecord r : g.rollouts()) {
                        assertTrue(r.advantage() < 0, "equal rewards below the virtual best (1.5): A < 0");
                    }
                }
            }
        }
        assertTrue(allWrong > 0, "the run has all-wrong groups to check");
        run.metrics().stream().filter(m -> m.extra().containsKey("all_wrong_nonzero_adv_frac"))
                .forEach(m -> assertEquals(1.0, m.extra().get("all_wrong_nonzero_adv_frac"), 0.0));
    }

    private static void perRewardNormalisation(Run run) {
        boolean differsFromGrpo = false;
        for (GroupRecord g : run.groups()) {
            double[] exact = g.rollouts().stream().mapToDouble(r -> r.rewards().get("exact_answer")).toArray();
            double[] format = g.rollouts().stream().mapToDouble(r -> r.rewards().get("answer_format")).toArray();
            double[] expected = new double[exact.length];
            double[] e = standardised(exact);
            double[] f = standardised(format);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = 1.0 * e[i] + 0.5 * f[i];
            }
            double[] a = g.rollouts().stream().mapToDouble(RolloutRecord::advantage).toArray();
            assertArrayClose(expected, a, "GDPO: Σ_k w_k (r^k − mean_k) / (std_k + 1e-6)");
            double[] grpo = standardised(g.rollouts().stream().mapToDouble(RolloutRecord::reward).toArray());
            for (int i = 0; i < a.length; i++) {
                differsFromGrpo |= Math.abs(grpo[i] - a[i]) > 1e-3;
            }
        }
        assertTrue(differsFromGrpo, "on graded multi-reward groups GDPO's advantages differ from GRPO's");
    }

    private static void positiveAdvantagesDamped(Run run) {
        boolean damped = false;
        for (GroupRecord g : run.groups()) {
            double[] grpo = standardised(g.rollouts().stream().mapToDouble(RolloutRecord::reward).toArray());
            for (int i = 0; i < grpo.length; i++) {
                double a = g.rollouts().get(i).advantage();
                if (grpo[i] > 1e-9) {
                    damped |= a < grpo[i] - 1e-6;
                }
            }
        }
        assertTrue(damped, "while accuracy is below alpha, A-GRAE damps positive advantages");
    }

    private static void scaledBySemanticEntropy(Run run) {
        boolean shrunk = false;
        for (GroupRecord g : run.groups()) {
            double[] grpo = standardised(g.rollouts().stream().mapToDouble(RolloutRecord::reward).toArray());
            double factor = Double.NaN;
            for (int i = 0; i < grpo.length; i++) {
                if (Math.abs(grpo[i]) > 1e-6) {
                    double f = g.rollouts().get(i).advantage() / grpo[i];
                    if (Double.isNaN(factor)) {
                        factor = f;
                    }
                    assertEquals(factor, f, 1e-6, "one factor (1 − α SE / log G) per group");
                }
            }
            if (!Double.isNaN(factor)) {
                assertTrue(factor > -1e-9 && factor <= 1 + 1e-9, "factor in [0, 1]: " + factor);
                shrunk |= factor < 1 - 1e-6;
            }
        }
        assertTrue(shrunk, "groups with differing answers have semantic entropy and shrink");
    }

    private static void equalRewardsUnequalAdvantages(Run run) {
        boolean ranked = false;
        for (GroupRecord g : run.groups()) {
            List<RolloutRecord> correct = g.rollouts().stream().filter(r -> r.verdict() == Verdict.CORRECT).toList();
            if (correct.size() >= 2 && correct.size() < g.rollouts().size()
                    && correct.stream().mapToDouble(RolloutRecord::reward).distinct().count() == 1) {
                ranked |= correct.stream().mapToDouble(RolloutRecord::advantage).distinct().count() > 1;
            }
        }
        assertTrue(ranked, "correct rollouts with equal rewards get different advantages by their likelihood rank");
    }

    private static void positiveMetric(Run run, String metric, String what) {
        double max = run.metrics().stream().mapToDouble(m -> m.extra().getOrDefault(metric, 0.0)).max().orElse(0);
        assertTrue(max > 0, what + ": " + metric + " = " + max);
    }

    // ---- the formulas, computed here independently of the variants ----

    static double[] centred(double[] r) {
        double mean = Arrays.stream(r).average().orElse(0);
        return Arrays.stream(r).map(x -> x - mean).toArray();
    }

    /** (r − mean) / (sample std + 1e-6); all zeros when every r is equal. */
    static double[] standardised(double[] r) {
        double[] c = centred(r);
        if (Arrays.stream(c).allMatch(x -> x == 0)) {
            return c;
        }
        double std = Math.sqrt(Arrays.stream(c).map(x -> x * x).sum() / (r.length - 1));
        return Arrays.stream(c).map(x -> x / (std + 1e-6)).toArray();
    }

    static void assertArrayClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-4) {
                fail(what + ": expected " + Arrays.toString(expected) + ", stored " + Arrays.toString(actual));
            }
        }
    }
}
