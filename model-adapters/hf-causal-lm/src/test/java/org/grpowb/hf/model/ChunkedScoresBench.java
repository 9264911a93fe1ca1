package org.grpowb.hf.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.grpowb.api.TokenCodec;
import org.grpowb.decoding.DecoderPolicy;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.text.PromptFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peak memory of one forward + backward of the log-probs of a tiny Qwen2-shaped model with a vocabulary of 32,768
 * (hidden 64, 2 layers, untied head): 16 rows of a 32-token prompt and a 128-token completion, at temperature 0.7.
 * The batch × length × vocabulary logits are 256 MiB in float32, far above the trunk's activations (a few MiB), so
 * the figure is the head's. The resident set's high-water mark is reset before each pass (/proc/self/clear_refs) and
 * read after it (VmHWM), minus the resident set before: the pass's own peak, warm (the second of two runs). glibc
 * keeps freed blocks below its mmap threshold (which grows to 32 MiB) for reuse, so set
 * {@code MALLOC_MMAP_THRESHOLD_=1048576} for the resident set to follow the arrays alive.
 *
 * <p>Modes ({@code -Dgrpowb.chunk.bench.mode}): {@code plain}, {@code score} on the tape and a backward of Σ c·log π;
 * {@code update}, {@code scoreForUpdate} and its surrogate, as {@code PolicyUpdate} trains; the logits' chunk in MiB
 * ({@code -Dgrpowb.chunk.bench.chunk_mib}, default 64). Off by default; run with
 * {@code MALLOC_MMAP_THRESHOLD_=1048576 mvn -o -q -pl model-adapters/hf-causal-lm -am test -Dtest=ChunkedScoresBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Dgrpowb.chunk.bench=true -Dgrpowb.chunk.bench.mode=update}.
 */
@EnabledIfSystemProperty(named = "grpowb.chunk.bench", matches = "true")
class ChunkedScoresBench {

    private static final int VOCAB = 32768;
    private static final int ROWS = 16;
    private static final int PROMPT = 32;
    private static final int COMPLETION = 128;
    private static final double TEMPERATURE = 0.7;

    @TempDir
    Path dir;

    /** Every id of the embedding is a token. */
    private static final class NumberCodec implements TokenCodec {
        @Override
        public int vocabSize() {
            return VOCAB;
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public int[] encode(String text) {
            return new int[] {Integer.parseInt(text.trim())};
        }

        @Override
        public String decode(int[] ids) {
            return java.util.Arrays.toString(ids);
        }

        @Override
        public String tokenText(int id) {
            return Integer.toString(id);
        }
    }

    @Test
    void peakMemoryOfOneBackwardThroughTheLogProbs() throws IOException {
        String mode = System.getProperty("grpowb.chunk.bench.mode", "update");
        long chunkMib = Long.getLong("grpowb.chunk.bench.chunk_mib", DecoderPolicy.DEFAULT_LOGIT_CHUNK_BYTES >> 20);
        Path folder = model();
        Random random = new Random(1);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            prompts.add(random.ints(PROMPT, 3, VOCAB).toArray());
            completions.add(random.ints(COMPLETION, 3, VOCAB).toArray());
        }
        try (NDManager base = NDManager.newBaseManager();
             HfCausalLm policy = HfCausalLm.open(base, folder, new NumberCodec(), PROMPT + COMPLETION,
                     new PromptFormat.Raw(""), "raw")) {
            policy.setLogitChunkBytes(chunkMib << 20);
            long[] peak = new long[2];
            for (int run = 0; run < 2; run++) {
                System.gc();
                long before = status("VmRSS");
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                long t0 = System.nanoTime();
                try (NDManager m = base.newSubManager();
                     GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    NDArray c = m.randomNormal(new Shape(ROWS, COMPLETION));
                    if (mode.equals("plain")) {
                        tape.backward(policy.score(m, prompts, completions, TEMPERATURE).logProbs().mul(c).sum());
                    } else {
                        var scored = policy.scoreForUpdate(m, prompts, completions, TEMPERATURE);
                        scored.backward(tape, c);
                    }
                }
                peak[run] = status("VmHWM") - before;
                System.out.printf(Locale.ROOT, "%s run %d: peak above the resting set %.0f MiB, %.2f s%n", mode, run,
                        peak[run] / 1024.0, (System.nanoTime() - t0) / 1e9);
                for (NDArray p : policy.parameters().values()) {
                    p.getGradient().muli(0);
                }
            }
            System.out.printf(Locale.ROOT, "CHUNK BENCH %s: %d x (%d + %d) tokens, vocabulary %d, (B, T, V) logits "
                            + "%.0f MiB in float32; chunks of %d MiB; peak %.0f MiB%n", mode, ROWS, PROMPT, COMPLETION, VOCAB,
                    (double) ROWS * COMPLETION * VOCAB * 4 / (1 << 20), chunkMib, peak[1] / 1024.0);
        }
    }

    /** A field of /proc/self/status in KiB. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    /** A Qwen2-shaped model folder with N(0, 0.02) weights and unit norms. */
    private Path model() throws IOException {
        Path folder = dir.resolve("wide-vocabulary");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
                 "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 512,
                 "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "vocab_size": %d, "tie_word_embeddings": false,
                 "use_sliding_window": false, "eos_token_id": 2, "torch_dtype": "float32"}
                """.formatted(VOCAB));
        Random random = new Random(7);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(HfConfigReader.read(folder)).tensors()) {
            float[] values = new float[Math.toIntExact(t.size())];
            boolean norm = t.name().endsWith("norm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = norm ? 1f : (float) (0.02 * random.nextGaussian());
            }
            tensors.add(SafetensorsWriter.Tensor.of(t.name(), t.shape(), values));
        }
        new SafetensorsWriter(Dtype.F32, SafetensorsWriter.PT_METADATA).write(folder.resolve("model.safetensors"),
                tensors);
        return folder;
    }
}
