package org.grpowb.hf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenScores;
import org.grpowb.hf.reference.ReferenceDecoder;
import org.grpowb.hf.reference.TinyModels;
import org.grpowb.decoding.DecoderPolicy;
import org.grpowb.hf.reference.TinyModels.TinyModel;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.text.PromptFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy opened from a model folder written the way transformers writes one: its log-probs are the reference
 * forward's, its samples are what its scores say they are, and what it saves opens again bit for bit.
 */
class HfCausalLmTest {

    /**
     * A tokenizer for the tiny models: ids spelled as letters, 18 of the embedding's 20 rows (the last two are padding,
     * as Qwen pads its embedding beyond its tokenizer), end of sequence id 2.
     */
    static class LetterCodec implements TokenCodec {
        static final int SIZE = 18;

        @Override
        public int vocabSize() {
            return SIZE;
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public int[] encode(String text) {
            return text.chars().map(c -> c - 'a').toArray();
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append(tokenText(id));
            }
            return sb.toString();
        }

        @Override
        public String tokenText(int id) {
            return String.valueOf((char) ('a' + id));
        }
    }

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

    /** The letters are the whole prompt: raw, with no BOS. */
    private static HfCausalLm open(NDManager m, Path folder, TokenCodec codec) throws IOException {
        return HfCausalLm.open(m, folder, codec, 16, new PromptFormat.Raw(""), "raw");
    }

    static List<TinyModel> models() {
        return TinyModels.all().stream().map(TinyModel::roundedToFloat).toList();
    }

    /** A model folder as transformers writes it: config.json and model.safetensors. */
    static Path write(Path folder, TinyModel model, Dtype dtype) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), TinyModels.configJson(model.name().replace(" (float32)", "")));
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        model.weights().forEach((name, w) -> {
            float[] f = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) w[i];
            }
            tensors.add(SafetensorsWriter.Tensor.of(name, model.shapes().get(name), f));
        });
        new SafetensorsWriter(dtype, SafetensorsWriter.PT_METADATA).write(folder.resolve("model.safetensors"), tensors);
        return folder;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logProbsAreTheReferenceForwardsOverTheTokenizersIds(TinyModel model) throws IOException {
        int[] prompt = {1, 7, 3};
        int[] completion = {9, 0, 2};
        int[] all = {1, 7, 3, 9, 0, 2};
        double[][] logits = new ReferenceDecoder(model.config(), model.weights()).logits(all);
        try (NDManager m = base.newSubManager();
             HfCausalLm policy = open(m, write(dir.resolve("m"), model, Dtype.F32), new LetterCodec())) {
            TokenScores s = policy.score(m, List.of(prompt), List.of(completion));
            float[] got = s.logProbs().toFloatArray();
            for (int t = 0; t < completion.length; t++) {
                double[] row = logits[prompt.length - 1 + t];
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < LetterCodec.SIZE; v++) {
                    max = Math.max(max, row[v]);
                }
                double z = 0;
                for (int v = 0; v < LetterCodec.SIZE; v++) {
                    z += Math.exp(row[v] - max);
                }
                // softmax over the tokenizer's 18 ids, not the embedding's 20 rows
                double expected = row[completion[t]] - max - Math.log(z);
                assertEquals(expected, got[t], 1e-4, model.name() + " token " + t);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void samplesRecordWhatScoringSaysAtTheSamplingTemperatureAndNeverAPaddingId(TinyModel model) throws IOException {
        try (NDManager m = base.newSubManager();
             HfCausalLm policy = open(m, write(dir.resolve("m"), model, Dtype.F32), new LetterCodec())) {
            for (double temperature : new double[] {1.0, 0.7}) {
                List<int[]> prompts = List.of(new int[] {1, 7, 3}, new int[] {4});
                List<List<SampledCompletion>> groups = policy.sample(prompts, 3,
                        new SamplingSettings(temperature, 1, 6, true), 11);
                assertSame(groups, policy.sample(prompts, 3, new SamplingSettings(temperature, 1, 6, true), 11),
                        "same seed, same samples");
                List<int[]> rowPrompts = new ArrayList<>();
                List<int[]> completions = new ArrayList<>();
                List<SampledCompletion> rows = new ArrayList<>();
                for (int p = 0; p < prompts.size(); p++) {
                    for (SampledCompletion c : groups.get(p)) {
                        rowPrompts.add(prompts.get(p));
                        completions.add(c.tokens());
                        rows.add(c);
                        for (int id : c.tokens()) {
                            assertTrue(id < LetterCodec.SIZE, "padding ids are never sampled: " + id);
                        }
                    }
                }
                TokenScores s = policy.score(m, rowPrompts, completions, temperature);
                int steps = Math.toIntExact(s.logProbs().getShape().get(1));
                float[] scored = s.logProbs().toFloatArray();
                for (int r = 0; r < rows.size(); r++) {
                    for (int t = 0; t < rows.get(r).length(); t++) {
                        assertEquals(rows.get(r).logProbs()[t], scored[r * steps + t], 1e-4,
                                model.name() + " T=" + temperature + " row " + r + " token " + t);
                    }
                }
                assertSame(groups, policy.sample(prompts, 3, new SamplingSettings(temperature, 1, 6, false), 11),
                        "without the cache, the same draws");
                // the device sampler (what a 150k vocabulary uses) draws what the host sampler draws, top-p included
                SamplingSettings nucleus = new SamplingSettings(temperature, 0.8, 6, true);
                List<List<SampledCompletion>> onHost = policy.sample(prompts, 3, nucleus, 5);
                policy.setDeviceSamplingVocabulary(0);
                try {
                    assertSame(groups, policy.sample(prompts, 3, new SamplingSettings(temperature, 1, 6, true), 11),
                            "on the device, the same draws");
                    assertSame(onHost, policy.sample(prompts, 3, nucleus, 5), "on the device, the same nucleus draws");
                } finally {
                    policy.setDeviceSamplingVocabulary(DecoderPolicy.DEVICE_SAMPLING_VOCABULARY);
                }
            }
        }
    }

    /** Same tokens and, to float noise between the cached and uncached passes, the same log-probs. */
    private static void assertSame(List<List<SampledCompletion>> a, List<List<SampledCompletion>> b, String what) {
        assertEquals(a.size(), b.size(), what);
        for (int p = 0; p < a.size(); p++) {
            for (int i = 0; i < a.get(p).size(); i++) {
                assertArrayEquals(a.get(p).get(i).tokens(), b.get(p).get(i).tokens(), what);
                assertArrayEquals(a.get(p).get(i).logProbs(), b.get(p).get(i).logProbs(), 1e-4f, what);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyWeightGetsAGradientAndSavingGivesTheSameWeightsBack(TinyModel model) throws IOException {
        try (NDManager m = base.newSubManager();
             HfCausalLm policy = open(m, write(dir.resolve("m"), model, Dtype.F32), new LetterCodec())) {
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                TokenScores s = policy.score(m, List.of(new int[] {1, 7, 3}), List.of(new int[] {9, 0, 2}));
                tape.backward(s.logProbs().sum());
            }
            for (Map.Entry<String, NDArray> p : policy.parameters().entrySet()) {
                float[] g = p.getValue().getGradient().toFloatArray();
                double norm = 0;
                for (float x : g) {
                    norm += x * x;
                }
                assertTrue(norm > 0, p.getKey() + " has no gradient");
            }
            Path saved = dir.resolve("saved");
            policy.save(saved);
            try (SafetensorsCheckpoint original = SafetensorsCheckpoint.open(dir.resolve("m"));
                 SafetensorsCheckpoint copy = SafetensorsCheckpoint.open(saved)) {
                assertEquals(Dtype.F32, copy.dtype());
                for (String name : original.names()) {
                    assertArrayEquals(original.readFloats(name), copy.readFloats(name), 0f, name);
                }
            }
            assertEquals(Files.readString(dir.resolve("m/config.json")), Files.readString(saved.resolve("config.json")));
        }
    }

    @Test
    void aBf16CheckpointIsWidenedToFloat32AndSavedAsBf16Again() throws IOException {
        TinyModel model = TinyModels.smolLm2Like();
        try (NDManager m = base.newSubManager();
             HfCausalLm policy = open(m, write(dir.resolve("bf16"), model, Dtype.BF16), new LetterCodec())) {
            Path saved = dir.resolve("saved");
            policy.save(saved);
            try (SafetensorsCheckpoint original = SafetensorsCheckpoint.open(dir.resolve("bf16"));
                 SafetensorsCheckpoint copy = SafetensorsCheckpoint.open(saved)) {
                assertEquals(Dtype.BF16, copy.dtype(), "a bf16 model is exported as bf16");
                for (String name : original.names()) {
                    assertArrayEquals(original.readFloats(name), copy.readFloats(name), 0f, name);
                }
            }
            HfCausalLm again = open(m, saved, new LetterCodec());
            again.load(dir.resolve("bf16"));
            assertArrayEquals(policy.parameters().get("model.norm.weight").toFloatArray(),
                    again.parameters().get("model.norm.weight").toFloatArray(), 0f);
            again.close();
        }
    }

    @Test
    void aCheckpointThatContradictsItsConfigIsRefusedNamingTheTensor() throws IOException {
        TinyModel model = TinyModels.qwen2Like();
        Path folder = write(dir.resolve("bad"), model, Dtype.F32);
        // the config says the head is tied, the file has lm_head.weight
        Files.writeString(folder.resolve("config.json"), TinyModels.configJson("qwen2_like")
                .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        Exception e = assertThrows(RuntimeException.class,
                () -> open(base, folder, new LetterCodec()));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
        // a tokenizer larger than the embedding
        Path ok = write(dir.resolve("ok"), model, Dtype.F32);
        TokenCodec wide = new LetterCodec() {
            @Override
            public int vocabSize() {
                return 25;
            }
        };
        Exception tooWide = assertThrows(IllegalArgumentException.class, () -> open(base, ok, wide));
        assertTrue(tooWide.getMessage().contains("25") && tooWide.getMessage().contains("20"), tooWide.getMessage());
    }
}
