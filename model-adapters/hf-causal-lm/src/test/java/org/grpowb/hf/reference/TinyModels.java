package org.grpowb.hf.reference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;

/**
 * Three tiny decoders, one per family the workbench runs, with deterministic weights, for testing anything that
 * computes the forward pass (this package's {@link ReferenceDecoder}, the DJL adapter) against golden logits.
 *
 * <ul>
 *   <li>{@link #qwen2Like()}: qwen2, hidden 32, 4 query heads sharing 2 KV heads (head_dim 8), q/k/v biases and no
 *       o_proj bias, untied head, θ = 10⁶, ε = 10⁻⁶; like Qwen2.5 and DeepSeek-R1-Distill-Qwen.</li>
 *   <li>{@link #llama3Like()}: llama, hidden 24, 4 heads / 4 KV heads with an explicit head_dim of 8 (so
 *       heads × head_dim = 32 ≠ hidden: q_proj is [32, 24], o_proj [24, 32]), untied, no biases, θ = 10⁴ with Llama 3
 *       scaling (factor 8, low 1, high 4, original context 64, so of the four frequencies one is kept, one smoothed,
 *       two divided); like Llama 3.x.</li>
 *   <li>{@link #smolLm2Like()}: llama, hidden 24, 3 heads sharing 1 KV head (head_dim 8), tied embeddings, θ = 10⁵;
 *       like SmolLM2.</li>
 * </ul>
 * Each has 2 layers and a vocabulary of 20. The same configs, weights and golden logits come from
 * {@code src/test/resources/reference/llama_forward.py}; {@link #configJson} gives each as a {@code config.json}.
 *
 * <p>Weights are a quadratic Weyl sequence per tensor, chosen because Java and Python compute it to the same bit
 * (only +, ×, floor and sqrt) and because, unlike {@code sin(a·k + b)} whose matrices have rank 2, its matrices are
 * full rank, so a transposed or mis-sliced weight changes the logits. With s = Σⱼ (j + 1)·name[j] mod 997 (j from 0),
 * α = frac(√2·(s + 1)), β = frac(√3·(s + 1)), element k of the row-major tensor is v = 2·frac(α·k·k + β·k) − 1, scaled:
 * RMSNorm weights 1 + v/4, biases v/5, the embedding v, a Linear [out, in] v·√(3/in).
 */
public final class TinyModels {

    /** The token sequence of the golden logits. */
    public static final int[] TOKENS = {1, 7, 3, 19, 0, 7};

    private TinyModels() {
    }

    /**
     * A tiny model: its config, its weights by transformers' tensor names (row-major, as safetensors stores them) and
     * their shapes.
     */
    public record TinyModel(String name, HfConfig config, Map<String, double[]> weights,
                            Map<String, long[]> shapes) {

        /** The same model with every weight rounded to float32, as an fp32 checkpoint of it would hold. */
        public TinyModel roundedToFloat() {
            Map<String, double[]> rounded = new LinkedHashMap<>();
            weights.forEach((n, w) -> {
                double[] r = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    r[i] = (float) w[i];
                }
                rounded.put(n, r);
            });
            return new TinyModel(name + " (float32)", config, Collections.unmodifiableMap(rounded), shapes);
        }
    }

    /** Qwen2-like: biases on q/k/v, grouped-query attention 4/2, untied. */
    public static TinyModel qwen2Like() {
        return build("qwen2_like", new HfConfig("qwen2", 32, 48, 2, 4, 2, 8, 1e6, null, 1e-6, 20, false, true,
                false, false, 128, null, List.of(2)));
    }

    /** Llama-3-like: Llama 3 rope scaling that bites, explicit head_dim, untied, no biases. */
    public static TinyModel llama3Like() {
        return build("llama3_like", new HfConfig("llama", 24, 40, 2, 4, 4, 8, 1e4,
                new HfConfig.RopeScaling(8, 1, 4, 64), 1e-5, 20, false, false, false, false, 256, 0,
                List.of(2, 3)));
    }

    /** SmolLM2-like: tied embeddings, grouped-query attention 3/1. */
    public static TinyModel smolLm2Like() {
        return build("smollm2_like", new HfConfig("llama", 24, 32, 2, 3, 1, 8, 1e5, null, 1e-5, 20, true, false,
                false, false, 64, 0, List.of(2)));
    }

    /** All three. */
    public static List<TinyModel> all() {
        return List.of(qwen2Like(), llama3Like(), smolLm2Like());
    }

    /**
     * The {@code config.json} of a tiny model, as transformers would write it (the three use the three ways of giving
     * θ: Qwen2's newer {@code rope_parameters}, Llama's {@code rope_theta} + {@code rope_scaling}, SmolLM2's bare
     * {@code rope_theta}).
     */
    public static String configJson(String name) {
        return switch (name) {
            case "qwen2_like" -> """
                    {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
                     "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                     "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 128,
                     "rms_norm_eps": 1e-06, "rope_parameters": {"rope_theta": 1000000.0, "rope_type": "default"},
                     "vocab_size": 20, "tie_word_embeddings": false, "use_sliding_window": false,
                     "sliding_window": null, "bos_token_id": null, "eos_token_id": 2, "torch_dtype": "float32"}
                    """;
            case "llama3_like" -> """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                     "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
                     "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 8,
                     "max_position_embeddings": 256, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
                     "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                      "original_max_position_embeddings": 64, "rope_type": "llama3"},
                     "vocab_size": 20, "tie_word_embeddings": false, "attention_bias": false, "mlp_bias": false,
                     "bos_token_id": 0, "eos_token_id": [2, 3], "torch_dtype": "float32"}
                    """;
            case "smollm2_like" -> """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                     "hidden_size": 24, "intermediate_size": 32, "num_hidden_layers": 2,
                     "num_attention_heads": 3, "num_key_value_heads": 1, "max_position_embeddings": 64,
                     "rms_norm_eps": 1e-05, "rope_theta": 100000.0, "rope_scaling": null,
                     "vocab_size": 20, "tie_word_embeddings": true, "attention_bias": false, "mlp_bias": false,
                     "bos_token_id": 0, "eos_token_id": 2, "torch_dtype": "float32"}
                    """;
            default -> throw new IllegalArgumentException("no tiny model " + name);
        };
    }

    private static TinyModel build(String name, HfConfig config) {
        Map<String, double[]> weights = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(config).tensors()) {
            weights.put(t.name(), weight(t.name(), t.shape()));
            shapes.put(t.name(), t.shape());
        }
        return new TinyModel(name, config, Collections.unmodifiableMap(weights),
                Collections.unmodifiableMap(shapes));
    }

    /** The deterministic values of tensor {@code name} of shape {@code shape} (see the class comment). */
    public static double[] weight(String name, long[] shape) {
        int size = 1;
        for (long d : shape) {
            size = Math.multiplyExact(size, (int) d);
        }
        int s = 0;
        for (int j = 0; j < name.length(); j++) {
            s += (j + 1) * name.charAt(j);
        }
        s %= 997;
        double alpha = frac(Math.sqrt(2.0) * (s + 1));
        double beta = frac(Math.sqrt(3.0) * (s + 1));
        double[] w = new double[size];
        for (int k = 0; k < size; k++) {
            double v = 2.0 * frac(alpha * k * k + beta * k) - 1.0;
            if (name.endsWith("norm.weight")) {
                w[k] = 1.0 + 0.25 * v;
            } else if (name.endsWith(".bias")) {
                w[k] = 0.2 * v;
            } else if (name.equals(ExpectedWeights.EMBEDDING)) {
                w[k] = v;
            } else {
                w[k] = v * Math.sqrt(3.0 / shape[1]);
            }
        }
        return w;
    }

    private static double frac(double x) {
        return x - Math.floor(x);
    }
}
