package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.DifferentiableScores;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;
import org.grpowb.decoding.DecoderPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Log-probs and entropies taken a chunk of positions at a time equal those of the whole batch × length × vocabulary
 * logits, and the two-phase backward of {@code scoreForUpdate} (g = ∂L/∂log π, then the model's backward) gives every
 * parameter the gradient of the plain backward through {@code score}'s tape, tied or untied, tempered or not.
 */
class ChunkedScoresTest {

    private static NDManager base;
    /** Rows of different lengths, so that padding sits inside the (B, T) layout and chunks straddle rows. */
    private static final List<int[]> PROMPTS = TestModels.encode("ab", "hello", "x", "12+3=");
    private static final List<int[]> COMPLETIONS = List.of(TestModels.withEos("cde"), TestModels.withEos("!"),
            TestModels.withEos("yz12"), TestModels.withEos("15"));

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    private static TinyGpt model(boolean tied, String dtype) {
        return TestModels.model(base, 7, Map.of("layers", 1, "width", 16, "heads", 2, "context", 16, "dtype", dtype,
                "init_std", 0.4, "tied", tied));
    }

    /**
     * The reference, written out in full: the hidden states the model exposes as features, the whole (B, T, V)
     * logits h · Wᵀ / T, log-softmax, the taken token's entry, and −Σ p log p.
     */
    private static double[][] fullTensorScores(TinyGpt model, NDManager m, double temperature, boolean tied) {
        TokenFeatures f = model.features(m, PROMPTS, COMPLETIONS).orElseThrow();
        NDArray w = model.parameters().get(tied ? "tok_emb" : TinyGptConfig.LM_HEAD).stopGradient();
        NDArray logits = f.hidden().matMul(w.transpose()).div(temperature == 0 ? 1.0 : temperature);
        assertEquals(3, logits.getShape().dimension());
        NDArray logP = logits.logSoftmax(-1);
        long b = f.mask().getShape().get(0);
        long t = f.mask().getShape().get(1);
        long[] ids = new long[(int) (b * t)];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < COMPLETIONS.get(r).length; i++) {
                ids[(int) (r * t + i)] = COMPLETIONS.get(r)[i];
            }
        }
        NDArray taken = logP.gather(m.create(ids, new Shape(b, t, 1)), -1).squeeze(-1).mul(f.mask());
        NDArray entropy = logP.exp().mul(logP).sum(new int[] {-1}).neg().mul(f.mask());
        return new double[][] {TestModels.values(taken), TestModels.values(entropy)};
    }

    @ParameterizedTest(name = "tied={0}, T={1}, chunk of {2} bytes")
    @CsvSource({"true, 1.0, 1", "true, 0.7, 1", "false, 0.7, 1", "true, 0.7, 1000", "false, 1.3, 1000",
            "true, 0.0, 67108864"})
    void chunkedLogProbsEqualTheUnchunkedOnes(boolean tied, double temperature, long chunkBytes) {
        try (TinyGpt model = model(tied, "float32"); NDManager m = base.newSubManager()) {
            model.setLogitChunkBytes(chunkBytes);
            double[][] expected = fullTensorScores(model, m, temperature, tied);
            TokenScores scored = model.score(m, PROMPTS, COMPLETIONS, temperature);
            assertClose(expected[0], TestModels.values(scored.logProbs()), 2e-5, "log-probs from score");
            assertClose(expected[1], TestModels.values(scored.entropies()), 2e-5, "entropies from score");
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                TokenScores values = model.scoreForUpdate(m, PROMPTS, COMPLETIONS, temperature).values();
                assertClose(expected[0], TestModels.values(values.logProbs()), 2e-5, "log-probs for the update");
                assertClose(expected[1], TestModels.values(values.entropies()), 2e-5, "entropies for the update");
                assertTrue(TestModels.values(values.logProbs())[0] < 0, "a log-prob is negative");
            }
        }
    }

    @ParameterizedTest(name = "tied={0}, T={1}, chunk of {2} bytes")
    @CsvSource({"true, 0.7, 1", "false, 0.7, 1", "true, 1.0, 2000", "false, 1.6, 2000"})
    void twoPhaseGradientsEqualThePlainBackward(boolean tied, double temperature, long chunkBytes) {
        try (TinyGpt model = model(tied, "float64"); NDManager m = base.newSubManager()) {
            NDArray c = coefficients(m);
            // the plain backward: the whole vocabulary in one chunk, log-softmax on the tape, Σ c·log π backpropagated
            model.setLogitChunkBytes(Long.MAX_VALUE);
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                tape.backward(model.score(m, PROMPTS, COMPLETIONS, temperature).logProbs().mul(c).sum());
            }
            Map<String, double[]> plain = gradientsThenZero(model);

            model.setLogitChunkBytes(chunkBytes);
            // twice: the unembedding's first backward goes through the tape, later ones add into its gradient
            for (String pass : List.of("first backward", "second backward")) {
                try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    DifferentiableScores scored = model.scoreForUpdate(m, PROMPTS, COMPLETIONS, temperature);
                    NDArray leaf = scored.values().logProbs().duplicate();
                    leaf.setRequiresGradient(true);
                    tape.backward(leaf.mul(c).sum());
                    scored.backward(tape, leaf.getGradient());
                }
                Map<String, double[]> twoPhase = gradientsThenZero(model);

                assertEquals(plain.keySet(), twoPhase.keySet());
                for (String name : plain.keySet()) {
                    double scale = maxAbs(plain.get(name));
                    assertTrue(scale > 1e-8, name + " has a gradient");
                    assertClose(plain.get(name), twoPhase.get(name), 1e-10 * Math.max(1, scale), pass + ": " + name);
                }
            }
        }
    }

    /** Random per-token coefficients c, (B, T), nonzero at padding too: the backward must ignore those. */
    private static NDArray coefficients(NDManager m) {
        int t = COMPLETIONS.stream().mapToInt(x -> x.length).max().orElseThrow();
        Random random = new Random(11);
        double[] c = new double[COMPLETIONS.size() * t];
        for (int i = 0; i < c.length; i++) {
            c[i] = random.nextGaussian();
        }
        return m.create(c, new Shape(COMPLETIONS.size(), t));
    }

    private static Map<String, double[]> gradientsThenZero(DecoderPolicy model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            NDArray g = e.getValue().getGradient();
            out.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
            g.muli(0);
        }
        return out;
    }

    private static double maxAbs(double[] xs) {
        double m = 0;
        for (double x : xs) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }
}
