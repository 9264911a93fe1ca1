package org.grpowb.hf.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a model folder's {@code config.json} into an {@link HfConfig}, refusing what the workbench's decoder does not
 * compute the way transformers does.
 *
 * <p>What each field means, and its default when the file leaves it out, is what transformers' own config classes say:
 * {@code models/llama/configuration_llama.py}, {@code models/qwen2/configuration_qwen2.py},
 * {@code models/mistral/configuration_mistral.py} (read at huggingface/transformers commit 008e574 for Llama and
 * Qwen2, 001f85b for Mistral), and for the rotary embedding {@code modeling_rope_utils.py}
 * ({@code RotaryEmbeddingConfigMixin.convert_rope_params_to_dict} and {@code standardize_rope_params}). In particular:
 * <ul>
 *   <li>{@code tie_word_embeddings} defaults to <b>false</b> for all three families ({@code LlamaConfig},
 *       {@code Qwen2Config} and {@code MistralConfig} each declare {@code tie_word_embeddings = False}), although
 *       {@code PretrainedConfig}'s own default is true. Tied models (Qwen2.5-0.5B, Llama-3.2-1B, SmolLM2) say so.</li>
 *   <li>{@code num_key_value_heads} left out: Llama uses {@code num_attention_heads}, but {@code Qwen2Config}
 *       defaults it to 32 and {@code MistralConfig} to 8; an explicit null means {@code num_attention_heads} in all
 *       three.</li>
 *   <li>{@code head_dim} left out or null: {@code hidden_size / num_attention_heads} (LlamaConfig.__post_init__,
 *       MistralConfig.__init__, Qwen2Attention's {@code getattr(config, "head_dim", ...)}).</li>
 *   <li>Biases: Qwen2Attention always has q/k/v biases and never an o_proj bias, and Qwen2MLP none
 *       ({@code modeling_qwen2.py}); LlamaAttention's four projections take {@code attention_bias} and LlamaMLP's
 *       three {@code mlp_bias} ({@code modeling_llama.py}); MistralAttention and MistralMLP are built with
 *       {@code bias=False} whatever the config says ({@code modular_mistral.py}), so Mistral's flags are ignored as
 *       transformers ignores them.</li>
 *   <li>RoPE: the scaling dict is {@code rope_scaling} when present, else {@code rope_parameters} (newer configs);
 *       θ is that dict's {@code rope_theta}, else the top-level {@code rope_theta}, else 10000
 *       ({@code default_theta}); the type is {@code rope_type}, or the legacy {@code type}, else "default".
 *       Only "default" and "llama3" are computed here; every other type is refused by name.</li>
 *   <li>Sliding-window attention is refused: Qwen2's {@code use_sliding_window: true} (or a {@code layer_types} entry
 *       other than "full_attention"), and Mistral's {@code sliding_window} when it is shorter than
 *       {@code max_position_embeddings} (MistralModel masks by it whenever it is not null; MistralConfig's default
 *       when the key is absent is 4096).</li>
 *   <li>{@code bos_token_id}/{@code eos_token_id} left out: 1 and 2 for Llama and Mistral, none for Qwen2.</li>
 * </ul>
 * Every refusal is an {@link HfConfigException} naming the file and the field.
 */
public final class HfConfigReader {

    /** The file, inside a model folder, that holds the architecture. */
    public static final String FILE_NAME = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private HfConfigReader() {
    }

    /** The families read here, with the defaults their transformers config classes give to absent keys. */
    private enum Family {
        LLAMA("llama", "LlamaForCausalLM", 2048, null, 1, 2),
        QWEN2("qwen2", "Qwen2ForCausalLM", 32768, 32, null, null),
        MISTRAL("mistral", "MistralForCausalLM", 4096 * 32, 8, 1, 2);

        final String modelType;
        final String architecture;
        final int defaultMaxPositions;
        /** Default of an absent {@code num_key_value_heads}; null: the number of attention heads. */
        final Integer defaultKvHeads;
        final Integer defaultBos;
        final Integer defaultEos;

        Family(String modelType, String architecture, int defaultMaxPositions, Integer defaultKvHeads,
               Integer defaultBos, Integer defaultEos) {
            this.modelType = modelType;
            this.architecture = architecture;
            this.defaultMaxPositions = defaultMaxPositions;
            this.defaultKvHeads = defaultKvHeads;
            this.defaultBos = defaultBos;
            this.defaultEos = defaultEos;
        }

        static Family byModelType(String modelType) {
            for (Family f : values()) {
                if (f.modelType.equals(modelType)) {
                    return f;
                }
            }
            return null;
        }

        static Family byArchitecture(String architecture) {
            for (Family f : values()) {
                if (f.architecture.equals(architecture)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * Reads {@code modelFolder/config.json}.
     *
     * @throws HfConfigException when the file is missing, is not JSON, or describes what the workbench does not run
     * @throws IOException       when the file cannot be read
     */
    public static HfConfig read(Path modelFolder) throws IOException {
        Path file = modelFolder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new HfConfigException(file.toString(), null, "no such file; a Hugging Face model folder holds its"
                    + " architecture there");
        }
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses the text of a {@code config.json}.
     *
     * @param where the file's name for messages
     */
    public static HfConfig parse(String json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new HfConfigException(where, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new HfConfigException(where, null, "not a JSON object");
        }
        return new Fields(root, "", where).toConfig();
    }

    /** One JSON object of the file, with typed getters whose errors name the field. */
    private static final class Fields {
        private final JsonNode node;
        private final String prefix;
        private final String where;

        Fields(JsonNode node, String prefix, String where) {
            this.node = node;
            this.prefix = prefix;
            this.where = where;
        }

        HfConfigException error(String field, String problem) {
            return new HfConfigException(where, prefix + field, problem);
        }

        /** The value, or null when the key is absent or JSON null. */
        JsonNode get(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        boolean has(String field) {
            return node.has(field);
        }

        String string(String field, String absent) {
            JsonNode v = get(field);
            if (v == null) {
                return absent;
            }
            if (!v.isTextual()) {
                throw error(field, "expected a string, got " + v);
            }
            return v.asText();
        }

        Integer integer(String field, Integer absent) {
            JsonNode v = get(field);
            if (v == null) {
                return absent;
            }
            return asInt(field, v);
        }

        int requiredInt(String field) {
            Integer v = integer(field, null);
            if (v == null) {
                throw error(field, "missing");
            }
            return v;
        }

        int positiveInt(String field, Integer absent) {
            Integer v = integer(field, absent);
            if (v == null) {
                throw error(field, "missing");
            }
            if (v <= 0) {
                throw error(field, v + " must be positive");
            }
            return v;
        }

        int asInt(String field, JsonNode v) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error(field, "expected an integer, got " + v);
            }
            return v.intValue();
        }

        Double number(String field, Double absent) {
            JsonNode v = get(field);
            if (v == null) {
                return absent;
            }
            if (!v.isNumber()) {
                throw error(field, "expected a number, got " + v);
            }
            return v.doubleValue();
        }

        double positiveNumber(String field, Double absent) {
            Double v = number(field, absent);
            if (v == null) {
                throw error(field, "missing");
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw error(field, v + " must be a positive number");
            }
            return v;
        }

        boolean bool(String field, boolean absent) {
            JsonNode v = get(field);
            if (v == null) {
                return absent;
            }
            if (!v.isBoolean()) {
                throw error(field, "expected true or false, got " + v);
            }
            return v.booleanValue();
        }

        HfConfig toConfig() {
            Family family = family();
            String act = string("hidden_act", "silu");
            if (!act.equals("silu")) {
                throw error("hidden_act", "'" + act + "' is not supported; these decoders use SwiGLU with silu");
            }

            int hidden = positiveInt("hidden_size", null);
            int intermediate = positiveInt("intermediate_size", null);
            int layers = positiveInt("num_hidden_layers", null);
            int heads = positiveInt("num_attention_heads", null);
            int vocab = positiveInt("vocab_size", null);
            int maxPositions = positiveInt("max_position_embeddings", family.defaultMaxPositions);

            Integer kvDefault = family.defaultKvHeads != null && !has("num_key_value_heads")
                    ? family.defaultKvHeads : Integer.valueOf(heads);
            int kvHeads = positiveInt("num_key_value_heads", kvDefault);
            if (heads % kvHeads != 0) {
                throw error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
            }

            int headDim;
            if (get("head_dim") != null) {
                headDim = positiveInt("head_dim", null);
            } else {
                if (hidden % heads != 0) {
                    throw error("hidden_size", hidden + " is not a multiple of num_attention_heads " + heads
                            + " and no head_dim is given");
                }
                headDim = hidden / heads;
            }
            if (headDim % 2 != 0) {
                throw error("head_dim", headDim + " is odd; the half-split rotary embedding pairs i with i + d/2");
            }
            Double partial = number("partial_rotary_factor", null);
            if (partial != null && partial != 1.0) {
                throw error("partial_rotary_factor", partial + " is not supported; the rotary embedding covers the"
                        + " whole head");
            }

            double eps = positiveNumber("rms_norm_eps", 1e-6);
            boolean tied = bool("tie_word_embeddings", false);

            boolean qkvBias;
            boolean outputBias;
            boolean mlpBias;
            switch (family) {
                case QWEN2 -> {
                    qkvBias = true;
                    outputBias = false;
                    mlpBias = false;
                }
                case LLAMA -> {
                    qkvBias = bool("attention_bias", false);
                    outputBias = qkvBias;
                    mlpBias = bool("mlp_bias", false);
                }
                default -> {
                    qkvBias = false;
                    outputBias = false;
                    mlpBias = false;
                }
            }

            refuseSlidingWindow(family, layers, maxPositions);
            Rope rope = rope(maxPositions);

            Integer bos = has("bos_token_id") ? integer("bos_token_id", null) : family.defaultBos;
            List<Integer> eos = eos(family);

            return new HfConfig(family.modelType, hidden, intermediate, layers, heads, kvHeads, headDim, rope.theta,
                    rope.scaling, eps, vocab, tied, qkvBias, outputBias, mlpBias, maxPositions, bos, eos);
        }

        private Family family() {
            String modelType = string("model_type", null);
            List<String> architectures = new ArrayList<>();
            JsonNode arch = get("architectures");
            if (arch != null) {
                if (!arch.isArray()) {
                    throw error("architectures", "expected a list of class names, got " + arch);
                }
                for (JsonNode a : arch) {
                    if (!a.isTextual()) {
                        throw error("architectures", "expected a list of class names, got " + arch);
                    }
                    architectures.add(a.asText());
                }
            }
            Family byArchitecture = null;
            for (String a : architectures) {
                Family f = Family.byArchitecture(a);
                if (f != null) {
                    byArchitecture = f;
                    break;
                }
            }
            if (modelType == null) {
                if (byArchitecture == null) {
                    throw error("model_type", "missing, and architectures " + architectures
                            + " names none of LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM");
                }
                return byArchitecture;
            }
            Family family = Family.byModelType(modelType);
            if (family == null) {
                throw error("model_type", "'" + modelType + "' is not supported (llama, qwen2 or mistral)");
            }
            if (byArchitecture != null && byArchitecture != family) {
                throw error("architectures", architectures + " contradicts model_type '" + modelType + "'");
            }
            return family;
        }

        private void refuseSlidingWindow(Family family, int layers, int maxPositions) {
            if (family == Family.QWEN2) {
                if (bool("use_sliding_window", false)) {
                    throw error("use_sliding_window", "true is not supported; only full causal attention is");
                }
                JsonNode types = get("layer_types");
                if (types != null) {
                    if (!types.isArray() || types.size() != layers) {
                        throw error("layer_types", "expected a list of " + layers + " layer types, got " + types);
                    }
                    for (int i = 0; i < types.size(); i++) {
                        if (!"full_attention".equals(types.get(i).asText(null))) {
                            throw error("layer_types", "layer " + i + " is " + types.get(i)
                                    + "; only full_attention is supported");
                        }
                    }
                }
            } else if (family == Family.MISTRAL) {
                Integer window = has("sliding_window") ? integer("sliding_window", null) : Integer.valueOf(4096);
                if (window != null && window < maxPositions) {
                    throw error("sliding_window", window + (has("sliding_window") ? "" : " (MistralConfig's default)")
                            + " is shorter than max_position_embeddings " + maxPositions
                            + "; sliding-window attention is not supported");
                }
            }
        }

        private record Rope(double theta, HfConfig.RopeScaling scaling) {
        }

        private Rope rope(int maxPositions) {
            String dictName = get("rope_scaling") != null ? "rope_scaling"
                    : get("rope_parameters") != null ? "rope_parameters" : null;
            double topTheta = positiveNumber("rope_theta", 10000.0);
            if (dictName == null) {
                return new Rope(topTheta, null);
            }
            JsonNode dict = get(dictName);
            if (!dict.isObject()) {
                throw error(dictName, "expected an object, got " + dict);
            }
            for (Map.Entry<String, JsonNode> e : dict.properties()) {
                if (e.getValue().isObject()) {
                    throw error(dictName + "." + e.getKey(), "per-layer-type rotary parameters are not supported");
                }
            }
            Fields rope = new Fields(dict, prefix + dictName + ".", where);
            double theta = rope.positiveNumber("rope_theta", topTheta);
            String typeField = rope.get("rope_type") != null || rope.get("type") == null ? "rope_type" : "type";
            String type = rope.string(typeField, "default");
            switch (type) {
                case "default":
                    return new Rope(theta, null);
                case "llama3": {
                    double factor = rope.positiveNumber("factor", null);
                    double low = rope.positiveNumber("low_freq_factor", null);
                    double high = rope.positiveNumber("high_freq_factor", null);
                    int original = rope.positiveInt("original_max_position_embeddings", null);
                    if (high <= low) {
                        throw rope.error("high_freq_factor", high + " must exceed low_freq_factor " + low);
                    }
                    return new Rope(theta, new HfConfig.RopeScaling(factor, low, high, original));
                }
                default:
                    throw rope.error(typeField, "'" + type + "' is not supported (only 'default' and 'llama3')");
            }
        }

        private List<Integer> eos(Family family) {
            if (!has("eos_token_id")) {
                return family.defaultEos == null ? List.of() : List.of(family.defaultEos);
            }
            JsonNode v = get("eos_token_id");
            if (v == null) {
                return List.of();
            }
            List<Integer> ids = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode id : v) {
                    ids.add(asInt("eos_token_id", id));
                }
            } else {
                ids.add(asInt("eos_token_id", v));
            }
            return ids;
        }
    }
}
