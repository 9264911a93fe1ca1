package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.TokenScores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** score() is differentiable and its gradient is the true one; following it teaches the model. */
class TinyGptGradientTest {

    private static NDManager base;
    private static final List<int[]> PROMPTS = TestModels.encode("ab", "hello", "x");
    private static final List<int[]> COMPLETIONS = List.of(TestModels.withEos("cde"), TestModels.withEos("!"),
            TestModels.withEos("yz12"));
    /** One advantage per row: a rewarded, a penalised and a strongly rewarded rollout. */
    private static final double[] ADVANTAGES = {1.0, -0.5, 2.0};

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    /** L = −Σ_t A_row · log π(y_t) · mask_t / Σ mask, the token-mean policy-gradient surrogate. */
    private static NDArray policyGradientLoss(TokenScores s, NDManager m) {
        NDArray advantages = m.create(ADVANTAGES, new Shape(ADVANTAGES.length, 1));
        return s.logProbs().mul(advantages).mul(s.mask()).sum().div(s.mask().sum()).neg();
    }

    private static double loss(TinyGpt model) {
        try (NDManager m = base.newSubManager()) {
            return policyGradientLoss(model.score(m, PROMPTS, COMPLETIONS), m).getDouble();
        }
    }

    @Test
    void autogradMatchesCentralDifferences() {
        try (TinyGpt model = TestModels.float64(base, 3, 0.3)) {
            checkAgainstCentralDifferences(model, List.of("tok_emb", "pos_emb", "h0.ln1.g", "h0.attn.qkv.w",
                    "h0.attn.qkv.b", "h0.attn.proj.w", "h0.mlp.fc.w", "h0.mlp.proj.b", "lnf.g", "lnf.b"));
        }
    }

    /** Untied, the unembedding gradient flows into lm_head and tok_emb keeps only its input-embedding part. */
    @Test
    void untiedAutogradMatchesCentralDifferences() {
        try (TinyGpt model = TestModels.model(base, 3, Map.of("layers", 1, "width", 8, "heads", 2, "context", 16,
                "dtype", "float64", "init_std", 0.3, "tied", false))) {
            checkAgainstCentralDifferences(model, List.of("lm_head", "tok_emb", "h0.attn.qkv.w", "lnf.g"));
        }
    }

    private static void checkAgainstCentralDifferences(TinyGpt model, List<String> names) {
        Map<String, double[]> gradients = new LinkedHashMap<>();
        try (NDManager m = base.newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            collector.backward(policyGradientLoss(model.score(m, PROMPTS, COMPLETIONS), m));
        }
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                gradients.put(e.getKey(), g.toDoubleArray());
            }
        }
        double eps = 1e-6;
        Random pick = new Random(11);
        int checked = 0;
        for (String name : names) {
            NDArray p = model.parameters().get(name);
            double[] g = gradients.get(name);
            for (int k : entriesToCheck(g, pick)) {
                double[] values = p.toDoubleArray();
                double original = values[k];
                values[k] = original + eps;
                p.set(values);
                double up = loss(model);
                values[k] = original - eps;
                p.set(values);
                double down = loss(model);
                values[k] = original;
                p.set(values);
                double numeric = (up - down) / (2 * eps);
                double relative = Math.abs(numeric - g[k]) / Math.max(Math.abs(numeric), Math.abs(g[k]));
                assertTrue(relative < 1e-5, name + "[" + k + "]: autograd " + g[k] + ", numeric " + numeric
                        + ", relative error " + relative);
                checked++;
            }
        }
        assertTrue(checked >= 3 * names.size() / 2, "checked " + checked);
    }

    /** The entry of largest gradient, plus one at random whose gradient is big enough to compare relatively. */
    private static List<Integer> entriesToCheck(double[] g, Random pick) {
        int largest = 0;
        for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[largest])) {
                largest = i;
            }
        }
        List<Integer> entries = new ArrayList<>(List.of(largest));
        for (int tries = 0; tries < 50; tries++) {
            int k = pick.nextInt(g.length);
            if (k != largest && Math.abs(g[k]) > 1e-4) {
                entries.add(k);
                break;
            }
        }
        return entries;
    }

    @Test
    void adamOnTheLikelihoodOfAStringLowersItsNll() {
        List<int[]> prompt = TestModels.encode("Q:");
        List<int[]> target = List.of(TestModels.withEos(" the cat sat."));
        try (TinyGpt model = TestModels.model(base, 1, Map.of("width", 32, "context", 24));
             NDManager state = base.newSubManager()) {
            double lr = 1e-2;
            double beta1 = 0.9;
            double beta2 = 0.999;
            Map<String, NDArray[]> moments = new LinkedHashMap<>();
            model.parameters().forEach((name, p) -> moments.put(name, new NDArray[] {
                    state.zeros(p.getShape(), p.getDataType()), state.zeros(p.getShape(), p.getDataType())}));
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 1; step <= 40; step++) {
                try (NDScope scope = new NDScope(); NDManager m = base.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.zeroGradients();
                        TokenScores s = model.score(m, prompt, target);
                        NDArray nll = s.logProbs().sum().div(s.mask().sum()).neg();
                        collector.backward(nll);
                        last = nll.getFloat();
                    }
                    if (step == 1) {
                        first = last;
                    }
                    // outside the collector: no tape, the update is a plain in-place write
                    double correction1 = 1 - Math.pow(beta1, step);
                    double correction2 = 1 - Math.pow(beta2, step);
                    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                        NDArray g = e.getValue().getGradient();
                        NDArray[] mv = moments.get(e.getKey());
                        mv[0].muli(beta1).addi(g.mul(1 - beta1));
                        mv[1].muli(beta2).addi(g.square().mul(1 - beta2));
                        e.getValue().subi(mv[0].div(correction1).div(mv[1].div(correction2).sqrt().add(1e-8)).mul(lr));
                    }
                }
            }
            assertTrue(first > 4.0, "a fresh model is near uniform over 97 symbols, NLL " + first);
            assertTrue(last < 0.5 * first, "NLL went from " + first + " to " + last);
            // and greedy decoding now says it back
            String said = CharCodec.INSTANCE.decode(model.sample(prompt, 1,
                    org.grpowb.api.SamplingSettings.greedy(20), 0).get(0).get(0).tokens());
            assertEquals(" the cat sat.", said);
        }
    }
}
