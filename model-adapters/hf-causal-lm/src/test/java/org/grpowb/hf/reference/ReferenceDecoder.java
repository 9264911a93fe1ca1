package org.grpowb.hf.reference;

import java.util.Map;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.RopeFrequencies;

/**
 * The decoder forward pass of Llama 3.x, Qwen2/2.5, SmolLM2 and Mistral, written straight from the maths in plain Java
 * doubles: one token sequence, no batch, no cache, no cleverness. It is the oracle that faster implementations (the
 * DJL adapter) are tested against, and is itself checked against an independent numpy implementation
 * ({@code src/test/resources/reference/llama_forward.py}) to 1e-9.
 *
 * <p>Each step follows transformers' {@code modeling_llama.py} and {@code modeling_qwen2.py}:
 * <pre>
 *   x = embed_tokens[tokens]
 *   per layer:  h = x + o_proj(attention(RMSNorm₁(x)))
 *               x = h + down_proj(silu(gate_proj(RMSNorm₂(h))) ⊙ up_proj(RMSNorm₂(h)))
 *   logits = RMSNorm_final(x) · Uᵀ,   U = lm_head, or embed_tokens when tied
 * </pre>
 * RMSNorm(x) = x / √(mean(x²) + ε) ⊙ w ({@code LlamaRMSNorm}: the weight multiplies the normalised x, not 1 + w).
 * Linear layers store W as [out, in]: y = x·Wᵀ + b. Attention: q, k, v from their projections; the rotary embedding
 * in the half-split layout ({@code apply_rotary_pos_emb}, {@code rotate_half}), where position p turns the pair
 * (i, i + d/2) by p·inv_freq[i], inv_freq from {@link RopeFrequencies} (its float32 values, as transformers holds them,
 * used here as doubles); scores q·k / √d with the causal mask; query head h reads key/value head h / (heads / kvHeads)
 * ({@code repeat_kv} repeats each KV head contiguously). Sliding windows are not modelled (the config reader refuses
 * them).
 */
public final class ReferenceDecoder {

    private final HfConfig config;
    private final Map<String, double[]> weights;
    private final double[] invFreq;

    /**
     * @param weights every tensor {@link ExpectedWeights} lists for the config, row-major
     * @throws IllegalArgumentException when a tensor is missing or has the wrong number of elements
     */
    public ReferenceDecoder(HfConfig config, Map<String, double[]> weights) {
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(config).tensors()) {
            double[] w = weights.get(t.name());
            if (w == null || w.length != t.size()) {
                throw new IllegalArgumentException(t + ": " + (w == null ? "missing" : w.length + " values"));
            }
        }
        this.config = config;
        this.weights = weights;
        float[] f = RopeFrequencies.of(config);
        this.invFreq = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            invFreq[i] = f[i];
        }
    }

    /** The logits [T][vocab] of every position of {@code tokens} (position p sees tokens 0..p). */
    public double[][] logits(int[] tokens) {
        int hidden = config.hiddenSize();
        double[][] x = new double[tokens.length][];
        double[] embedding = w(ExpectedWeights.EMBEDDING);
        for (int t = 0; t < tokens.length; t++) {
            x[t] = new double[hidden];
            System.arraycopy(embedding, tokens[t] * hidden, x[t], 0, hidden);
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            x = decoderLayer(layer, x);
        }
        double[] unembedding = config.tieWordEmbeddings() ? embedding : w(ExpectedWeights.LM_HEAD);
        double[][] logits = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            double[] normed = rmsNorm(x[t], w(ExpectedWeights.FINAL_NORM));
            logits[t] = linear(normed, unembedding, null, config.vocabSize());
        }
        return logits;
    }

    private double[][] decoderLayer(int layer, double[][] x) {
        int steps = x.length;
        double[][] normed = new double[steps][];
        for (int t = 0; t < steps; t++) {
            normed[t] = rmsNorm(x[t], w(ExpectedWeights.layer(layer, "input_layernorm.weight")));
        }
        double[][] attention = attention(layer, normed);
        double[][] out = new double[steps][];
        for (int t = 0; t < steps; t++) {
            double[] h = add(x[t], attention[t]);
            double[] n = rmsNorm(h, w(ExpectedWeights.layer(layer, "post_attention_layernorm.weight")));
            out[t] = add(h, mlp(layer, n));
        }
        return out;
    }

    private double[][] attention(int layer, double[][] x) {
        int steps = x.length;
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int d = config.headDim();
        int groups = heads / kvHeads;
        double[][] q = new double[steps][];
        double[][] k = new double[steps][];
        double[][] v = new double[steps][];
        for (int t = 0; t < steps; t++) {
            q[t] = project(layer, "self_attn.q_proj", x[t], heads * d);
            k[t] = project(layer, "self_attn.k_proj", x[t], kvHeads * d);
            v[t] = project(layer, "self_attn.v_proj", x[t], kvHeads * d);
            for (int h = 0; h < heads; h++) {
                rotate(q[t], h * d, t);
            }
            for (int h = 0; h < kvHeads; h++) {
                rotate(k[t], h * d, t);
            }
        }
        double scale = 1.0 / Math.sqrt(d);
        double[][] out = new double[steps][];
        for (int t = 0; t < steps; t++) {
            double[] concat = new double[heads * d];
            for (int h = 0; h < heads; h++) {
                int kvHead = h / groups;
                // causal: position t attends to positions 0..t
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[t][h * d + i] * k[s][kvHead * d + i];
                    }
                    scores[s] = dot * scale;
                    max = Math.max(max, scores[s]);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                for (int s = 0; s <= t; s++) {
                    double p = scores[s] / sum;
                    for (int i = 0; i < d; i++) {
                        concat[h * d + i] += p * v[s][kvHead * d + i];
                    }
                }
            }
            out[t] = project(layer, "self_attn.o_proj", concat, config.hiddenSize());
        }
        return out;
    }

    /** q' = q·cos + rotate_half(q)·sin on one head, rotate_half(x) = (−x[d/2:], x[:d/2]). */
    private void rotate(double[] vector, int offset, int position) {
        int half = config.headDim() / 2;
        for (int i = 0; i < half; i++) {
            double angle = position * invFreq[i];
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double a = vector[offset + i];
            double b = vector[offset + i + half];
            vector[offset + i] = a * cos - b * sin;
            vector[offset + i + half] = b * cos + a * sin;
        }
    }

    private double[] mlp(int layer, double[] x) {
        int width = config.intermediateSize();
        double[] gate = project(layer, "mlp.gate_proj", x, width);
        double[] up = project(layer, "mlp.up_proj", x, width);
        double[] act = new double[width];
        for (int i = 0; i < width; i++) {
            act[i] = silu(gate[i]) * up[i];
        }
        return project(layer, "mlp.down_proj", act, config.hiddenSize());
    }

    private static double silu(double z) {
        return z / (1 + Math.exp(-z));
    }

    private double[] project(int layer, String module, double[] x, int out) {
        double[] bias = weights.get(ExpectedWeights.layer(layer, module + ".bias"));
        boolean hasBias = switch (module) {
            case "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj" -> config.qkvBias();
            case "self_attn.o_proj" -> config.outputBias();
            default -> config.mlpBias();
        };
        return linear(x, w(ExpectedWeights.layer(layer, module + ".weight")), hasBias ? bias : null, out);
    }

    /** y = x·Wᵀ + b with W [out, in] row-major. */
    private static double[] linear(double[] x, double[] weight, double[] bias, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) {
                sum += x[i] * weight[o * in + i];
            }
            y[o] = sum;
        }
        return y;
    }

    private double[] rmsNorm(double[] x, double[] weight) {
        double meanSquare = 0;
        for (double xi : x) {
            meanSquare += xi * xi;
        }
        meanSquare /= x.length;
        double inverseRms = 1.0 / Math.sqrt(meanSquare + config.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inverseRms * weight[i];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    private double[] w(String name) {
        return weights.get(name);
    }
}
