package org.grpowb.hf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.hf.reference.TinyModels;
import org.grpowb.hf.reference.TinyModels.TinyModel;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.text.PromptFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LoRA on the tiny decoders (Hu et al. 2021): a targeted projection is x·Wᵀ (+ b) + (α/r)·(x·Aᵀ)·Bᵀ with W frozen.
 * With B = 0 the adapted policy is its base model to the bit; the adapters' gradient is the one the formula gives by
 * hand and by finite differences through the whole model; merging adds (α/r)·B·A to W and keeps the policy.
 */
class LoraTest {

    private static final List<int[]> PROMPTS = List.of(new int[] {1, 7, 3}, new int[] {4});
    private static final List<int[]> COMPLETIONS = List.of(new int[] {9, 0, 2}, new int[] {5, 6, 11, 12});

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
        return HfCausalLmTest.models();
    }

    private static HfCausalLm open(NDManager m, Path folder, LoraConfig lora) throws IOException {
        return HfCausalLm.open(m, folder, new HfCausalLmTest.LetterCodec(),
                new HfCausalLm.Prompting(16, new PromptFormat.Raw(""), "raw", null), lora, 7);
    }

    private static float[] logProbs(NDManager m, HfCausalLm policy) {
        return policy.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray();
    }

    /** Every B set to U(−0.2, 0.2), so that the adapters change the policy. */
    private static void randomB(HfCausalLm policy, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            if (e.getKey().contains("lora_B")) {
                float[] b = new float[Math.toIntExact(e.getValue().size())];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (0.4 * random.nextDouble() - 0.2);
                }
                e.getValue().set(b);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void withBZeroTheAdaptedPolicyIsItsBaseModelToTheBit(TinyModel model) throws IOException {
        Path folder = HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32);
        try (NDManager m = base.newSubManager();
             HfCausalLm full = open(m, folder, null);
             HfCausalLm lora = open(m, folder, new LoraConfig(4, 8, LoraConfig.MODULES))) {
            float[] expected = logProbs(m, full);
            assertArrayEquals(expected, logProbs(m, lora), 0f, "B = 0: the update is exactly zero");
            try (HfCausalLm reference = lora.reference()) {
                assertArrayEquals(expected, logProbs(m, reference), 0f);
                assertTrue(reference.parameters().isEmpty(), "the reference trains nothing");
            }
            SamplingSettings settings = new SamplingSettings(1.0, 1, 6, true);
            List<List<SampledCompletion>> a = full.sample(PROMPTS, 2, settings, 5);
            List<List<SampledCompletion>> b = lora.sample(PROMPTS, 2, settings, 5);
            for (int p = 0; p < a.size(); p++) {
                for (int i = 0; i < a.get(p).size(); i++) {
                    assertArrayEquals(a.get(p).get(i).tokens(), b.get(p).get(i).tokens());
                }
            }
        }
    }

    @Test
    void adaptersAreNamedAsPeftSavesThemStartAsPeftDoesAndAreAllThatTrains() throws IOException {
        TinyModel model = TinyModels.qwen2Like().roundedToFloat();
        Path folder = HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32);
        LoraConfig config = new LoraConfig(2, 4, List.of("down_proj", "q_proj", "v_proj"));
        try (NDManager m = base.newSubManager();
             HfCausalLm lora = open(m, folder, config);
             HfCausalLm again = open(m, folder, config)) {
            List<String> expected = new ArrayList<>();
            for (int layer = 0; layer < 2; layer++) {
                for (String module : List.of("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj")) {
                    expected.add("base_model.model.model.layers." + layer + "." + module + ".lora_A.weight");
                    expected.add("base_model.model.model.layers." + layer + "." + module + ".lora_B.weight");
                }
            }
            Map<String, NDArray> params = lora.parameters();
            assertEquals(expected, new ArrayList<>(params.keySet()));
            // q_proj [32 → 4·8], v_proj [32 → 2·8], down_proj [48 → 32]
            assertArrayEquals(new long[] {2, 32}, shape(params, 0, "self_attn.q_proj", "A"));
            assertArrayEquals(new long[] {32, 2}, shape(params, 0, "self_attn.q_proj", "B"));
            assertArrayEquals(new long[] {16, 2}, shape(params, 1, "self_attn.v_proj", "B"));
            assertArrayEquals(new long[] {2, 48}, shape(params, 1, "mlp.down_proj", "A"));
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                float[] v = e.getValue().toFloatArray();
                if (e.getKey().contains("lora_B")) {
                    assertArrayEquals(new float[v.length], v, 0f, e.getKey() + " starts at zero");
                } else {
                    // Kaiming-uniform with a = √5: U(−1/√in, 1/√in)
                    double bound = 1 / Math.sqrt(e.getValue().getShape().get(1));
                    double max = 0;
                    double mean = 0;
                    for (float x : v) {
                        max = Math.max(max, Math.abs(x));
                        mean += x / v.length;
                    }
                    assertTrue(max <= bound && max > 0.8 * bound, e.getKey() + ": max |A| " + max + ", bound " + bound);
                    assertTrue(Math.abs(mean) < 0.25 * bound, e.getKey() + " is centred: " + mean);
                }
                assertTrue(e.getValue().hasGradient(), e.getKey() + " trains");
                assertArrayEquals(v, again.parameters().get(e.getKey()).toFloatArray(), 0f, "same seed, same A");
            }
            for (Map.Entry<String, NDArray> w : lora.weights().entrySet()) {
                assertFalse(w.getValue().hasGradient(), w.getKey() + " is frozen");
                assertFalse(params.containsKey(w.getKey()));
            }
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                tape.backward(lora.score(m, PROMPTS, COMPLETIONS).logProbs().sum());
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                float[] g = e.getValue().getGradient().toFloatArray();
                double norm = 0;
                for (float x : g) {
                    norm += x * x;
                }
                if (e.getKey().contains("lora_A")) {
                    // ∂L/∂A = (α/r)·(g·B)ᵀ·x vanishes while B = 0
                    assertEquals(0, norm, 0, e.getKey());
                } else {
                    assertTrue(norm > 0, e.getKey() + " has a gradient");
                }
            }
        }
    }

    private static long[] shape(Map<String, NDArray> params, int layer, String module, String which) {
        return params.get("base_model.model.model.layers." + layer + "." + module + ".lora_" + which + ".weight")
                .getShape().getShape();
    }

    /**
     * One projection by hand: in 4, out 3, r 2, α 3 (scale 1.5), two tokens, loss Σ y ⊙ g. With u = A·x and v = B·u,
     * y = W·x + 1.5·v, ∂L/∂B[o][k] = 1.5·Σₜ g[o]·u[k] and ∂L/∂A[k][i] = 1.5·Σₜ (Σₒ g[o]·B[o][k])·x[i].
     */
    @Test
    void theUpdateAndItsGradientAreTheOnesTheFormulaGivesByHand() {
        int in = 4;
        int out = 3;
        int r = 2;
        double scale = 1.5;
        String module = "model.layers.0.self_attn.q_proj";
        float[] w = {0.5f, -0.25f, 0.125f, 1f, -1f, 0.75f, 0.5f, -0.5f, 0.25f, 0.25f, -0.75f, 2f};
        float[] b = {0.5f, -1f, 0.25f, 2f, -0.5f, 1.5f};
        float[] x = {1f, 2f, -1f, 0.5f, -2f, 0.25f, 1f, 3f};
        float[] g = {1f, -2f, 0.5f, 0.25f, 1f, -1f};
        try (NDManager m = base.newSubManager()) {
            NDArray weight = OwnedArrays.owned(m.create(w, new Shape(out, in)), DataType.FLOAT32);
            LoraAdapters adapters = LoraAdapters.init(m, new LoraConfig(r, 3, List.of("q_proj")),
                    Map.of(module + ".weight", weight), 1, 3);
            NDArray bArray = adapters.parameters().get(LoraAdapters.nameOfB(module));
            bArray.set(b);
            NDArray aArray = adapters.parameters().get(LoraAdapters.nameOfA(module));
            float[] a = aArray.toFloatArray();
            NDArray xs = OwnedArrays.owned(m.create(x, new Shape(1, 2, in)), DataType.FLOAT32);
            NDArray gs = OwnedArrays.owned(m.create(g, new Shape(1, 2, out)), DataType.FLOAT32);
            float[] y;
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                NDArray ys = adapters.add(module, xs, xs.matMul(weight.transpose()), UnaryOperator.identity());
                y = ys.toFloatArray();
                tape.backward(ys.mul(gs).sum());
            }
            double[] dA = new double[r * in];
            double[] dB = new double[out * r];
            for (int t = 0; t < 2; t++) {
                double[] u = new double[r];
                for (int k = 0; k < r; k++) {
                    for (int i = 0; i < in; i++) {
                        u[k] += a[k * in + i] * x[t * in + i];
                    }
                }
                for (int o = 0; o < out; o++) {
                    double expected = 0;
                    for (int i = 0; i < in; i++) {
                        expected += w[o * in + i] * x[t * in + i];
                    }
                    for (int k = 0; k < r; k++) {
                        expected += scale * b[o * r + k] * u[k];
                        dB[o * r + k] += scale * g[t * out + o] * u[k];
                    }
                    assertEquals(expected, y[t * out + o], 1e-5, "y[" + t + "][" + o + "]");
                }
                for (int k = 0; k < r; k++) {
                    double gb = 0;
                    for (int o = 0; o < out; o++) {
                        gb += g[t * out + o] * b[o * r + k];
                    }
                    for (int i = 0; i < in; i++) {
                        dA[k * in + i] += scale * gb * x[t * in + i];
                    }
                }
            }
            assertClose(dA, aArray.getGradient().toFloatArray(), "dL/dA");
            assertClose(dB, bArray.getGradient().toFloatArray(), "dL/dB");
        }
    }

    private static void assertClose(double[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5, what + "[" + i + "]");
        }
    }

    /**
     * Through the whole decoder: the gradient of Σ log π(completion) with respect to entries of A and B in attention
     * and MLP layers matches central differences (ε = 10⁻², float32).
     */
    @Test
    void theAdaptersGradientThroughTheWholeModelMatchesFiniteDifferences() throws IOException {
        TinyModel model = TinyModels.qwen2Like().roundedToFloat();
        Path folder = HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32);
        try (NDManager m = base.newSubManager();
             HfCausalLm lora = open(m, folder, new LoraConfig(2, 4, List.of("q_proj", "v_proj", "down_proj")))) {
            randomB(lora, 11);
            Map<String, NDArray> params = lora.parameters();
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                tape.backward(lora.score(m, PROMPTS, COMPLETIONS).logProbs().sum());
            }
            double eps = 1e-2;
            int checked = 0;
            for (String name : List.of(LoraAdapters.nameOfA("model.layers.0.self_attn.q_proj"),
                    LoraAdapters.nameOfB("model.layers.0.self_attn.v_proj"),
                    LoraAdapters.nameOfA("model.layers.1.mlp.down_proj"),
                    LoraAdapters.nameOfB("model.layers.1.mlp.down_proj"))) {
                NDArray p = params.get(name);
                float[] grad = p.getGradient().toFloatArray();
                float[] values = p.toFloatArray();
                for (int index : new int[] {0, values.length / 2, values.length - 1}) {
                    float original = values[index];
                    values[index] = (float) (original + eps);
                    p.set(values);
                    double plus = sum(logProbs(m, lora));
                    values[index] = (float) (original - eps);
                    p.set(values);
                    double minus = sum(logProbs(m, lora));
                    values[index] = original;
                    p.set(values);
                    double numeric = (plus - minus) / (2 * eps);
                    assertEquals(numeric, grad[index], 1e-3 + 1e-2 * Math.abs(numeric), name + "[" + index + "]");
                    if (Math.abs(numeric) > 1e-2) {
                        checked++;
                    }
                }
            }
            assertTrue(checked >= 6, "most checked entries have a gradient worth checking: " + checked);
        }
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    /** merge_and_unload: W + (α/r)·B·A, saved as a whole model that scores as the adapted policy did. */
    @Test
    void aMergedModelHoldsWPlusScaledBAAndScoresAsTheAdaptedPolicy() throws IOException {
        TinyModel model = TinyModels.smolLm2Like().roundedToFloat();
        Path folder = HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32);
        String module = "model.layers.1.self_attn.o_proj";
        try (NDManager m = base.newSubManager();
             HfCausalLm lora = open(m, folder, new LoraConfig(2, 6, List.of("q_proj", "o_proj", "gate_proj")))) {
            randomB(lora, 5);
            float[] adapted = logProbs(m, lora);
            Path merged = dir.resolve("merged");
            lora.saveMerged(merged);
            float[] a = lora.parameters().get(LoraAdapters.nameOfA(module)).toFloatArray();
            float[] b = lora.parameters().get(LoraAdapters.nameOfB(module)).toFloatArray();
            try (SafetensorsCheckpoint file = SafetensorsCheckpoint.open(merged);
                 HfCausalLm reopened = open(m, merged, null)) {
                assertEquals(model.weights().keySet(), new java.util.HashSet<>(file.names()), "a whole model");
                float[] w = file.readFloats(module + ".weight");
                double[] original = model.weights().get(module + ".weight");
                int in = 24;
                int out = 24;
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        double ba = b[o * 2] * a[i] + b[o * 2 + 1] * a[in + i];
                        assertEquals(original[o * in + i] + 3 * ba, w[o * in + i], 1e-6, "W + 3·B·A at " + o + "," + i);
                    }
                }
                assertArrayEquals(adapted, logProbs(m, reopened), 1e-4f);
                assertTrue(Files.isRegularFile(merged.resolve("config.json")));
                assertFalse(Files.exists(merged.resolve(AdapterFolder.CONFIG_FILE)));
            }
        }
    }

    @Test
    void theReferenceViewSharesTheFrozenBaseAndClosingItFreesNothingOfThePolicy() throws IOException {
        TinyModel model = TinyModels.llama3Like().roundedToFloat();
        Path folder = HfCausalLmTest.write(dir.resolve("m"), model, Dtype.F32);
        try (NDManager m = base.newSubManager();
             HfCausalLm full = open(m, folder, null)) {
            float[] baseScores = logProbs(m, full);
            assertFalse(full.referenceIsFixed(), "a full fine-tune's reference is its starting weights");
            try (HfCausalLm copy = full.reference()) {
                assertNotSame(full.weights().get("model.norm.weight"), copy.weights().get("model.norm.weight"));
            }
            HfCausalLm lora = open(m, folder, new LoraConfig(2, 4, LoraConfig.MODULES));
            randomB(lora, 3);
            float[] adapted = logProbs(m, lora);
            assertFalse(java.util.Arrays.equals(baseScores, adapted), "the adapters move the policy");
            assertTrue(lora.referenceIsFixed());
            HfCausalLm reference = lora.reference();
            assertSame(lora.weights().get("model.norm.weight"), reference.weights().get("model.norm.weight"),
                    "no second copy of the weights");
            assertArrayEquals(baseScores, logProbs(m, reference), 0f, "the adapters switched off");
            assertThrows(IllegalStateException.class, () -> reference.load(folder));
            reference.close();
            assertArrayEquals(adapted, logProbs(m, lora), 0f, "the policy still has its weights");
            try (HfCausalLm copy = lora.copy()) {
                assertArrayEquals(adapted, logProbs(m, copy), 0f, "an independent copy keeps the adapters");
            }
            HfCausalLm late = lora.reference();
            lora.close();
            late.close();
        }
    }
}
