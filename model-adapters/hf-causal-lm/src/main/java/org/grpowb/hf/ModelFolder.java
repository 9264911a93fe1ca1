package org.grpowb.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigException;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsFile;
import org.grpowb.hf.text.ChatTemplate;
import org.grpowb.hf.text.HfTokenizerCodec;

/**
 * What a Hugging Face model folder holds, read from its headers without loading a weight: the architecture, the
 * parameter count, the stored dtype, whether the weights agree with the config, and the tokenizer and chat template if
 * the folder has them. A folder without a tokenizer is still inspected; one without {@code config.json} or weights is
 * not a model folder and fails, naming the file.
 */
public final class ModelFolder {

    /**
     * One folder's summary.
     *
     * @param folder         the folder, absolute
     * @param config         its {@code config.json}
     * @param parameters     elements of every weight the config expects (tied embeddings counted once)
     * @param matmulParameters elements of the weights a forward multiplies by: every projection and the unembedding
     *                       (the embedding lookup multiplies nothing unless it is also the tied unembedding)
     * @param dtype          the stored dtype of the weights
     * @param weightFiles    the safetensors files, in order
     * @param weightsProblem why the weights disagree with the config, or empty when they agree
     * @param tokenizer      the tokenizer, when the folder has {@code tokenizer.json}
     * @param tokenizerProblem why the tokenizer could not be read, or empty
     * @param chatTemplate   whether {@code tokenizer_config.json} or {@code chat_template.jinja} has a chat template
     */
    public record Summary(Path folder, HfConfig config, long parameters, long matmulParameters, Dtype dtype,
                          List<String> weightFiles, Optional<String> weightsProblem,
                          Optional<TokenizerSummary> tokenizer, Optional<String> tokenizerProblem,
                          boolean chatTemplate) {
    }

    /**
     * The tokenizer found in a folder.
     *
     * @param size      ids the tokenizer has (the embedding may have more rows: Qwen pads it)
     * @param eosToken  its {@code eos_token}
     * @param stopIds   every id that ends a completion
     * @param bosToken  its BOS, if it has one
     */
    public record TokenizerSummary(int size, String eosToken, List<Integer> stopIds, Optional<String> bosToken) {
    }

    private ModelFolder() {
    }

    /**
     * Inspects {@code folder}.
     *
     * @throws IOException naming the file at fault: no or a malformed {@code config.json}, an architecture outside the
     *                     family, no or a malformed safetensors file
     */
    public static Summary inspect(Path folder) throws IOException {
        Path dir = folder.toAbsolutePath().normalize();
        HfConfig config = HfConfigReader.read(dir);
        ExpectedWeights expected = ExpectedWeights.of(config);
        Dtype dtype;
        List<String> files = new ArrayList<>();
        Optional<String> weightsProblem = Optional.empty();
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(dir)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : weights.names()) {
                shapes.put(name, weights.info(name).shape());
            }
            for (SafetensorsFile f : weights.files()) {
                files.add(dir.relativize(f.path()).toString());
            }
            dtype = weights.dtype();
            try {
                expected.verify(shapes, dir.resolve(files.get(0)).toString());
            } catch (HfConfigException e) {
                weightsProblem = Optional.of(e.getMessage());
            }
        }
        Optional<TokenizerSummary> tokenizer = Optional.empty();
        Optional<String> tokenizerProblem = Optional.empty();
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            try (HfTokenizerCodec codec = HfTokenizerCodec.load(dir)) {
                tokenizer = Optional.of(new TokenizerSummary(codec.vocabSize(), codec.eosToken(), codec.stopIds(),
                        codec.bosToken()));
                if (codec.vocabSize() > config.vocabSize()) {
                    tokenizerProblem = Optional.of(dir.resolve("tokenizer.json") + ": the tokenizer has "
                            + codec.vocabSize() + " ids but the embedding only " + config.vocabSize() + " rows");
                }
            } catch (IOException | RuntimeException e) {
                tokenizerProblem = Optional.of(e.getMessage());
            }
        }
        boolean template;
        try {
            template = ChatTemplate.fromModelFolder(dir, ChatTemplate.LLAMA_FALLBACK_DATE.atStartOfDay()).isPresent();
        } catch (IOException | RuntimeException e) {
            template = false;
        }
        return new Summary(dir, config, expected.parameterCount(), matmulParameters(config), dtype, List.copyOf(files),
                weightsProblem, tokenizer, tokenizerProblem, template);
    }

    /**
     * Elements of the matrices one token's forward multiplies by: q, k, v, o, gate, up and down of every block, and
     * the unembedding. A forward costs 2 FLOPs per such element and token (attention's own products aside).
     */
    public static long matmulParameters(HfConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long attention = d * q + 2 * d * kv + q * d;
        long mlp = 3 * d * c.intermediateSize();
        return c.layers() * (attention + mlp) + (long) c.vocabSize() * d;
    }
}
