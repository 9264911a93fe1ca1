package org.grpowb.hf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.DifferentiableScores;
import org.grpowb.api.TokenScores;
import org.grpowb.hf.reference.ReferenceDecoder;
import org.grpowb.hf.reference.TinyModels;
import org.grpowb.hf.reference.TinyModels.TinyModel;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.text.PromptFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiny Hugging Face decoders, untied (Qwen2-like) and tied (SmolLM2-like), with a tokenizer of 18 of the
 * embedding's 20 rows: log-probs and entropies taken a chunk of positions at a time are those of the reference
 * forward's full logits (in double) over the tokenizer's ids, and the two-phase backward gives every weight the
 * gradient of the plain one.
 */
class ChunkedHfScoresTest {

    private static final List<int[]> PROMPTS = List.of(new int[] {1, 7, 3}, new int[] {4}, new int[] {5, 6});
    private static final List<int[]> COMPLETIONS = List.of(new int[] {9, 0, 2}, new int[] {11, 2},
            new int[] {17, 16, 3, 8, 2});
    private static final double[] TEMPERATURES = {1.0, 0.7};

    private static NDManager base;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    static List<TinyModel> models() {
        return List.of(TinyModels.qwen2Like().roundedToFloat(), TinyModels.smolLm2Like().roundedToFloat());
    }

    private HfCausalLm open(NDManager m, TinyModel model) throws IOException {
        return HfCausalLm.open(m, HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32),
                new HfCausalLmTest.LetterCodec(), 16, new PromptFormat.Raw(""), "raw");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void chunkedLogProbsAndEntropiesAreThoseOfTheFullLogits(TinyModel model) throws IOException {
        ReferenceDecoder reference = new ReferenceDecoder(model.config(), model.weights());
        try (NDManager m = base.newSubManager(); HfCausalLm policy = open(m, model)) {
            for (long chunkBytes : new long[] {1, 150, 1L << 26}) {
                policy.setLogitChunkBytes(chunkBytes);
                for (double temperature : TEMPERATURES) {
                    TokenScores scored = policy.score(m, PROMPTS, COMPLETIONS, temperature);
                    TokenScores forUpdate;
                    try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                        forUpdate = policy.scoreForUpdate(m, PROMPTS, COMPLETIONS, temperature).values();
                    }
                    int steps = Math.toIntExact(scored.logProbs().getShape().get(1));
                    for (TokenScores s : List.of(scored, forUpdate)) {
                        float[] logProbs = s.logProbs().toFloatArray();
                        float[] entropies = s.entropies().toFloatArray();
                        for (int r = 0; r < PROMPTS.size(); r++) {
                            double[][] expected = expected(reference, PROMPTS.get(r), COMPLETIONS.get(r), temperature);
                            for (int t = 0; t < steps; t++) {
                                String what = model.name() + ", T = " + temperature + ", chunk " + chunkBytes + " B, row "
                                        + r + ", token " + t;
                                boolean present = t < COMPLETIONS.get(r).length;
                                assertEquals(present ? expected[0][t] : 0, logProbs[r * steps + t], 1e-4, what);
                                assertEquals(present ? expected[1][t] : 0, entropies[r * steps + t], 1e-4, what);
                            }
                        }
                    }
                }
            }
        }
    }

    /** log p(y_t) and H_t of softmax(logits / T) over the tokenizer's 18 ids, from the reference's full logits. */
    private static double[][] expected(ReferenceDecoder reference, int[] prompt, int[] completion, double temperature) {
        int[] all = new int[prompt.length + completion.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(completion, 0, all, prompt.length, completion.length);
        double[][] logits = reference.logits(all);
        double[][] out = new double[2][completion.length];
        for (int t = 0; t < completion.length; t++) {
            double[] z = new double[HfCausalLmTest.LetterCodec.SIZE];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < z.length; v++) {
                z[v] = logits[prompt.length - 1 + t][v] / temperature;
                max = Math.max(max, z[v]);
            }
            double sum = 0;
            for (double x : z) {
                sum += Math.exp(x - max);
            }
            double logZ = max + Math.log(sum);
            double entropy = 0;
            for (double x : z) {
                entropy -= Math.exp(x - logZ) * (x - logZ);
            }
            out[0][t] = z[completion[t]] - logZ;
            out[1][t] = entropy;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void twoPhaseGradientsEqualThePlainBackward(TinyModel model) throws IOException {
        try (NDManager m = base.newSubManager(); HfCausalLm policy = open(m, model)) {
            NDArray c = coefficients(m);
            policy.setLogitChunkBytes(Long.MAX_VALUE);
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                tape.backward(policy.score(m, PROMPTS, COMPLETIONS, 0.7).logProbs().mul(c).sum());
            }
            Map<String, double[]> plain = gradientsThenZero(policy);
            policy.setLogitChunkBytes(150);
            // twice: the unembedding's first backward goes through the tape, later ones add into its gradient
            for (String pass : List.of("first backward", "second backward")) {
                try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    DifferentiableScores scored = policy.scoreForUpdate(m, PROMPTS, COMPLETIONS, 0.7);
                    NDArray leaf = scored.values().logProbs().duplicate();
                    leaf.setRequiresGradient(true);
                    tape.backward(leaf.mul(c).sum());
                    scored.backward(tape, leaf.getGradient());
                }
                Map<String, double[]> twoPhase = gradientsThenZero(policy);
                for (String name : plain.keySet()) {
                    double[] a = plain.get(name);
                    double[] b = twoPhase.get(name);
                    double scale = 0;
                    for (double x : a) {
                        scale = Math.max(scale, Math.abs(x));
                    }
                    assertTrue(scale > 0, name + " has a gradient");
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 2e-5 * scale, model.name() + ", " + pass + ": " + name + "[" + i + "]");
                    }
                }
                if (!model.config().tieWordEmbeddings()) {
                    double[] head = twoPhase.get("lm_head.weight");
                    for (int i = HfCausalLmTest.LetterCodec.SIZE * model.config().hiddenSize(); i < head.length; i++) {
                        assertEquals(0, head[i], pass + ": the rows beyond the tokenizer's ids get no gradient");
                    }
                }
            }
        }
    }

    private static NDArray coefficients(NDManager m) {
        int t = COMPLETIONS.stream().mapToInt(x -> x.length).max().orElseThrow();
        Random random = new Random(3);
        float[] c = new float[COMPLETIONS.size() * t];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) random.nextGaussian();
        }
        return m.create(c, new Shape(COMPLETIONS.size(), t));
    }

    private static Map<String, double[]> gradientsThenZero(HfCausalLm policy) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            NDArray g = e.getValue().getGradient();
            out.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
            g.muli(0);
        }
        return out;
    }
}
