package org.grpowb.core.thr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenFeatures;
import org.grpowb.tinygpt.TinyGptFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * THR is what it claims to be: the first-order change in the correct completions' log-likelihood when one token is
 * trained on.
 *
 * <p>For a token (j, k), take one SGD step of size η on −A_j·log π(y_jk) and measure
 * Δ = Σ_{i correct} Σ_l [log π_new(y_il) − log π_old(y_il)], over every token of every correct completion, j's own
 * included, each once. Only the unembedding {@code lm_head} of an untied tiny-gpt moves, and only its rows for V*, the
 * token ids the group uses. That is the view THR takes: with logits = W·h, ∇_W log π(y | h) = (e_y − π)·hᵀ, so the
 * step moves W's V* rows by η·A_j·g_jk·h_jkᵀ (g = e_y − π at V*'s columns) and, to first order, log π(y_il | h_il) by
 * η·A_j·⟨g_il, g_jk⟩·⟨h_il, h_jk⟩, whose sum over the correct tokens is exactly η·THR_jk — provided the hidden states h
 * stay fixed. In an untied model nothing below the unembedding reads lm_head, so they do; a tied model's step would
 * also move the input embeddings and hence h, which THR does not count. So Δ/η → THR_jk as η → 0, with an O(η) error
 * from the curvature of log-softmax, and Δ doubles when η does. (A step on all of lm_head would add the other rows'
 * Σ_{v∉V*} π_jk(v)·π_il(v) to each kernel, which THR leaves out by design.)
 *
 * <p>That error is absolute — about 1e-4 here at η = 1e-4 — so a relative comparison means something only for tokens
 * whose THR is not itself near zero: errors are measured against max(|THR_jk|, 5% of the group's largest |THR|).
 */
class ThrLearningDynamicsTest {

    private static NDManager base;
    private static final TokenCodec CODEC = new TinyGptFactory().codec(Settings.empty());
    private static final String PROMPT = "7+5=";
    /** Completions ending in EOS; the answer is 12. The EOS and the digits recur across rollouts, as they do in practice. */
    private static final List<String> COMPLETIONS = List.of("12", "13", "012", "2");
    private static final boolean[] CORRECT = {true, false, true, false};
    /** Advantages as an estimator might give them; their values only scale THR and Δ alike. */
    private static final double[] ADVANTAGES = {1.2, -0.8, 0.9, -1.3};

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    private static PolicyModel untiedModel() {
        PolicyModelFactory factory = new TinyGptFactory();
        return factory.create(base, Settings.resolve(factory.settings(), Map.of("layers", 1, "width", 8, "heads", 2,
                "context", 12, "dtype", "float64", "init_std", 0.5, "tied", false), "test"), 17);
    }

    private static List<int[]> prompts() {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < COMPLETIONS.size(); i++) {
            prompts.add(CODEC.encode(PROMPT));
        }
        return prompts;
    }

    private static List<int[]> completions() {
        List<int[]> out = new ArrayList<>();
        for (String c : COMPLETIONS) {
            int[] ids = CODEC.encode(c);
            int[] withEos = Arrays.copyOf(ids, ids.length + 1);
            withEos[ids.length] = CODEC.eosId();
            out.add(withEos);
        }
        return out;
    }

    @Test
    void oneStepOnATokenMovesTheCorrectCompletionsByThr() {
        List<int[]> prompts = prompts();
        List<int[]> completions = completions();
        try (PolicyModel model = untiedModel(); NDManager m = base.newSubManager()) {
            TokenFeatures features = model.features(m, prompts, completions).orElseThrow();
            float[][] thr = TokenHiddenReward.ofGroup(features, completions, ADVANTAGES, CORRECT, 1.0).thr();
            boolean[] inGroup = groupVocabulary(completions, Math.toIntExact(features.probs().getShape().get(2)));
            double[] before = model.score(m, prompts, completions).logProbs().toDoubleArray();
            double largest = 0;
            for (float[] row : thr) {
                for (float x : row) {
                    largest = Math.max(largest, Math.abs(x));
                }
            }
            double eta = 1e-4;
            int positive = 0;
            int negative = 0;
            for (int j = 0; j < completions.size(); j++) {
                for (int k = 0; k < completions.get(j).length; k++) {
                    double scale = Math.max(Math.abs(thr[j][k]), 0.05 * largest);
                    double[] gradient = lmHeadGradient(model, prompts, completions, j, k, inGroup);
                    double delta = correctLikelihoodChange(model, prompts, completions, before, gradient, eta);
                    double doubled = correctLikelihoodChange(model, prompts, completions, before, gradient, 2 * eta);
                    String token = "token (" + j + ", " + k + "): THR " + thr[j][k] + ", Δ/η " + delta / eta
                            + ", Δ(2η)/Δ(η) " + doubled / delta;
                    assertEquals(Math.signum(thr[j][k]), Math.signum(delta), token);
                    assertTrue(Math.abs(delta / eta - thr[j][k]) / scale < 1e-3, token);
                    // Δ(2η)/Δ(η) = 2 up to the same O(η) term
                    assertTrue(Math.abs(doubled - 2 * delta) / (2 * eta * scale) < 1e-3, token);
                    if (Math.abs(thr[j][k]) >= 0.05 * largest) {
                        assertEquals(2.0, doubled / delta, 1e-3, token);
                    }
                    if (thr[j][k] > 0) {
                        positive++;
                    } else {
                        negative++;
                    }
                }
            }
            assertTrue(positive >= 2 && negative >= 2, positive + " positive and " + negative + " negative tokens checked");
        }
    }

    /** Which vocabulary ids occur in the group: V*. */
    private static boolean[] groupVocabulary(List<int[]> completions, int vocab) {
        boolean[] in = new boolean[vocab];
        for (int[] y : completions) {
            for (int id : y) {
                in[id] = true;
            }
        }
        return in;
    }

    /**
     * ∇_{lm_head} of −A_j·log π(y_jk), this one token's policy-gradient loss, with the rows of ids outside V* zeroed:
     * lm_head is V×d, row v the unembedding of id v.
     */
    private static double[] lmHeadGradient(PolicyModel model, List<int[]> prompts, List<int[]> completions, int j, int k,
                                           boolean[] inGroup) {
        try (NDManager m = base.newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            NDArray logProb = model.score(m, prompts, completions).logProbs().get(j, k);
            collector.backward(logProb.mul(-ADVANTAGES[j]));
        }
        double[] gradient;
        try (NDArray g = model.parameters().get("lm_head").getGradient()) {
            gradient = g.toDoubleArray();
        }
        int width = gradient.length / inGroup.length;
        for (int v = 0; v < inGroup.length; v++) {
            if (!inGroup[v]) {
                Arrays.fill(gradient, v * width, (v + 1) * width, 0.0);
            }
        }
        return gradient;
    }

    /** Δ after lm_head ← lm_head − η·gradient; lm_head is put back afterwards. */
    private static double correctLikelihoodChange(PolicyModel model, List<int[]> prompts, List<int[]> completions,
                                                  double[] before, double[] gradient, double eta) {
        NDArray lmHead = model.parameters().get("lm_head");
        double[] original = lmHead.toDoubleArray();
        double[] stepped = new double[original.length];
        for (int x = 0; x < original.length; x++) {
            stepped[x] = original[x] - eta * gradient[x];
        }
        double[] after;
        lmHead.set(stepped);
        try (NDManager m = base.newSubManager()) {
            after = model.score(m, prompts, completions).logProbs().toDoubleArray();
        } finally {
            lmHead.set(original);
        }
        int steps = before.length / completions.size();
        double delta = 0;
        for (int i = 0; i < completions.size(); i++) {
            if (!CORRECT[i]) {
                continue;
            }
            for (int l = 0; l < completions.get(i).length; l++) {
                delta += after[i * steps + l] - before[i * steps + l];
            }
        }
        return delta;
    }
}
