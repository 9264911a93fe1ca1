package org.grpowb.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.safetensors.TensorInfo;

/**
 * A model folder with random weights for a given {@code config.json} and tokenizer, initialised as transformers'
 * {@code _init_weights} does for this family ({@code modeling_llama.py}, {@code LlamaPreTrainedModel}): every linear
 * and embedding weight from N(0, initializer_range²) (the config's, default 0.02), biases 0, RMSNorm weights 1. What
 * it is for: measuring a real architecture's step time and memory (Qwen2.5-0.5B's config, say) where its weights cannot
 * be downloaded, and tests; it is not a pretrained model.
 */
public final class RandomInit {

    private RandomInit() {
    }

    /**
     * @param configFile a {@code config.json}
     * @param tokenizer  a folder with {@code tokenizer.json} and {@code tokenizer_config.json} (and optionally
     *                   {@code generation_config.json}, {@code chat_template.jinja}), or null for a folder without a
     *                   tokenizer (it still inspects, and benches with a project's tokenizer)
     * @param out        the folder to write; created
     * @param dtype      F32, BF16 or F16
     */
    public static void write(Path configFile, Path tokenizer, Path out, long seed, Dtype dtype) throws IOException {
        Files.createDirectories(out);
        Files.copy(configFile, out.resolve(HfConfigReader.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        HfConfig config = HfConfigReader.read(out);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json",
                "special_tokens_map.json", "chat_template.jinja")) {
            if (tokenizer != null && Files.isRegularFile(tokenizer.resolve(f))) {
                Files.copy(tokenizer.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        JsonNode raw = new ObjectMapper().readTree(configFile.toFile());
        double std = raw.path("initializer_range").asDouble(0.02);
        SplittableRandom random = new SplittableRandom(seed);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(config).tensors()) {
            // each tensor its own stream, so a tensor's values do not depend on the ones written before it
            SplittableRandom own = random.split();
            String name = t.name();
            tensors.add(new SafetensorsWriter.Tensor(name, t.shape(), () -> values(name, t.shape(), std, own)));
        }
        new SafetensorsWriter(dtype, SafetensorsWriter.PT_METADATA).write(out.resolve(SafetensorsCheckpoint.SINGLE_FILE),
                tensors);
        Files.deleteIfExists(out.resolve(HfCausalLm.POLICY_FILE));
    }

    private static float[] values(String name, long[] shape, double std, SplittableRandom random) {
        float[] v = new float[Math.toIntExact(TensorInfo.elements(shape))];
        if (name.endsWith("norm.weight")) {
            Arrays.fill(v, 1f);
        } else if (!name.endsWith(".bias")) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (gaussian(random) * std);
            }
        }
        return v;
    }

    /** A standard normal draw (Box–Muller): SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double w = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }
}
