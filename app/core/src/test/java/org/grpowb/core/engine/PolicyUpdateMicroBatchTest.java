package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.Example;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.Settings;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.ProjectException;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.project.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Micro-batches cut by tokens: each stays within {@code micro_batch_tokens} (a longer rollout alone) and within
 * {@code micro_batch} rows, and however a step is cut, its gradient is the one of a single micro-batch, because every
 * loss takes the step's normalisers.
 */
class PolicyUpdateMicroBatchTest {

    private static final PluginRegistry PLUGINS = PluginRegistry.discover();

    @TempDir
    Path dir;

    /** A row as the cut sees it: prompt and completion lengths. */
    private record Lengths(int prompt, int completion) {
    }

    private static List<List<Lengths>> cut(List<Lengths> rows, int maxRows, long maxTokens) {
        return PolicyUpdate.microBatches(rows, Lengths::prompt, Lengths::completion, maxRows, maxTokens);
    }

    @Test
    void aMicroBatchHoldsAtMostItsTokensPaddedAndALongerRowGoesAlone() {
        List<Lengths> rows = List.of(new Lengths(4, 2), new Lengths(3, 3), new Lengths(5, 1), new Lengths(2, 30),
                new Lengths(4, 4), new Lengths(4, 1), new Lengths(1, 1));
        // padded: 2 × (4 + 3) = 14 ≤ 15, 3 × (5 + 3) = 24 > 15; then the 32-token row alone; then 2 × 8 = 16 > 15
        assertEquals(List.of(rows.subList(0, 2), rows.subList(2, 3), rows.subList(3, 4), rows.subList(4, 5),
                rows.subList(5, 7)), cut(rows, 100, 15));
        assertEquals(List.of(rows.subList(0, 3), rows.subList(3, 4), rows.subList(4, 7)), cut(rows, 100, 32));
        assertEquals(List.of(rows.subList(0, 2), rows.subList(2, 4), rows.subList(4, 6), rows.subList(6, 7)),
                cut(rows, 2, 1_000_000), "micro_batch still bounds the rows");
        assertEquals(List.of(rows), cut(rows, 100, 1_000_000));
    }

    @Test
    void aBudgetOfNoTokensIsRefusedNamingTheField() {
        ProjectLoader loader = new ProjectLoader(PLUGINS);
        Path project = TestProjects.write(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "micro_batch_tokens: 0")));
        var zero = assertThrows(ProjectException.class, () -> loader.load(project));
        assertEquals("training.micro_batch_tokens", zero.field(), zero.getMessage());
        var negative = assertThrows(ProjectException.class,
                () -> loader.load(project, Map.of("training.micro_batch_tokens", -512)));
        assertTrue(negative.getMessage().contains("micro_batch_tokens"), negative.getMessage());
        assertEquals(4096, loader.load(project, Map.of("training.micro_batch_tokens", 4096)).training()
                .optimisation().microBatchTokens());
    }

    /**
     * Two optimiser steps of a batch of 3 prompts × 4 rollouts, on-policy and off it, taken once as one micro-batch per
     * step and once cut by a budget of 24 tokens (one to three rollouts per micro-batch): every parameter gets the
     * same gradient. The optimiser holds no parameters, so the gradients stay where the test reads them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpo", "dapo", "dr_grpo", "gspo"})
    void cuttingAStepByTokensGivesTheGradientOfOneMicroBatch(String variantName) {
        try (NDManager base = NDManager.newBaseManager()) {
            var factory = PLUGINS.model("tiny-gpt");
            Settings modelSettings = Settings.resolve(factory.settings(), Map.of("layers", 1, "width", 16, "heads", 2,
                    "context", 16, "dtype", "float64", "init_std", 0.3), "test");
            PolicyModel policy = factory.create(base, modelSettings, 3);
            PolicyModel reference = factory.create(base, modelSettings, 4);
            GrpoVariant variant = PLUGINS.variant(variantName);
            Map<String, Object> variantSettings = variant.settings().stream().anyMatch(s -> s.name().equals("beta"))
                    ? Map.of("beta", 0.1) : Map.of();
            var loss = variant.loss(Settings.resolve(variant.settings(), variantSettings, variantName));
            Batch batch = batch(policy);
            for (int iterations : new int[] {1, 2}) {
                Map<String, double[]> whole = gradients(policy, reference, loss, batch, iterations, 1_000_000);
                Map<String, double[]> cut = gradients(policy, reference, loss, batch, iterations, 24);
                for (String name : whole.keySet()) {
                    double[] a = whole.get(name);
                    double[] b = cut.get(name);
                    double scale = Arrays.stream(a).map(Math::abs).max().orElseThrow();
                    assertTrue(scale > 0, name + " has a gradient");
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-9 * scale, variantName + ", μ = " + iterations + ": " + name
                                + "[" + i + "]");
                    }
                }
            }
        }
    }

    private record Batch(ScoredBatch scored, List<GroupAdvantages> advantages, List<float[][]> tokenAdvantages) {
    }

    /** Prompts of 4–6 characters, completions of 1–6 tokens with log-probs near the policy's and mixed advantages. */
    private static Batch batch(PolicyModel policy) {
        Random random = new Random(5);
        String[] prompts = {"12+3=", "7+8=", "40+21="};
        String[] answers = {"15", "1", "15x", "9999", "16", "15", "1", "", "61", "6", "611", "62"};
        List<Example> examples = new ArrayList<>();
        List<int[]> promptIds = new ArrayList<>();
        List<List<SampledCompletion>> groups = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        List<List<RewardScorer.Scored>> scores = new ArrayList<>();
        List<GroupAdvantages> advantages = new ArrayList<>();
        List<float[][]> tokenAdvantages = new ArrayList<>();
        for (int p = 0; p < prompts.length; p++) {
            examples.add(new Example("e" + p, prompts[p], "", Map.of()));
            promptIds.add(policy.codec().encode(prompts[p]));
            List<SampledCompletion> group = new ArrayList<>();
            double[] a = new double[4];
            float[][] perToken = new float[4][];
            for (int i = 0; i < 4; i++) {
                int[] answer = policy.codec().encode(answers[p * 4 + i]);
                int[] tokens = Arrays.copyOf(answer, answer.length + 1);
                tokens[answer.length] = policy.codec().eosId();
                float[] logProbs = new float[tokens.length];
                for (int t = 0; t < tokens.length; t++) {
                    logProbs[t] = (float) (-4.6 + 0.3 * random.nextGaussian());
                }
                group.add(new SampledCompletion(tokens, logProbs, new float[tokens.length], false));
                a[i] = random.nextGaussian();
                perToken[i] = new float[tokens.length];
                Arrays.fill(perToken[i], (float) a[i]);
            }
            groups.add(group);
            texts.add(List.of("", "", "", ""));
            scores.add(List.of());
            advantages.add(new GroupAdvantages(a, new boolean[] {true, true, true, true}, 0, new double[4]));
            tokenAdvantages.add(perToken);
        }
        return new Batch(new ScoredBatch(examples, promptIds, groups, texts, scores), advantages, tokenAdvantages);
    }

    private Map<String, double[]> gradients(PolicyModel policy, PolicyModel reference, org.grpowb.api.PolicyLoss loss,
                                            Batch batch, int stepsPerGeneration, int microBatchTokens) {
        TrainingSettings settings = TrainingSettings.from(Settings.resolve(TrainingSettings.SPECS, Map.of(
                "group_size", 4, "max_new_tokens", 6, "temperature", 0.8, "steps_per_generation",
                stepsPerGeneration, "micro_batch_tokens", microBatchTokens), "test"));
        try (NDManager step = NDManager.newBaseManager()) {
            PolicyUpdate update = new PolicyUpdate(policy, reference, new AdamOptimizer(Map.of()), loss, settings, step);
            PolicyUpdate.Result result = update.run(batch.scored(), batch.advantages(), batch.tokenAdvantages(), 1);
            assertTrue(!result.nonFinite() && Double.isFinite(result.loss()), "a finite update");
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            NDArray g = e.getValue().getGradient();
            out.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
            g.muli(0);
        }
        return out;
    }
}
