package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.decoding.KvCache;

/**
 * The forward pass of the Llama decoder family as transformers computes it ({@code models/llama/modeling_llama.py},
 * {@code models/qwen2/modeling_qwen2.py}): token embedding; per block
 * {@code h = x + o_proj(attn(RMSNorm(x)))}, {@code x = h + down(silu(gate(RMSNorm(h))) · up(RMSNorm(h)))}; a final
 * RMSNorm; the unembedding ({@code lm_head}, or the embedding when tied).
 *
 * <ul>
 *   <li>RMSNorm: x / √(mean(x²) + ε), then times the weight (not 1 + w: that is Gemma).</li>
 *   <li>Attention: half-split rotary embedding on q and k ({@link RotaryTable}), scores scaled by head_dim^−½,
 *       grouped-query attention in which query head h reads key/value head h / (heads / kv_heads), as transformers'
 *       {@code repeat_kv} expands them.</li>
 *   <li>nn.Linear stores [out, in], so a projection is x · Wᵀ (+ b); biases on q, k, v for Qwen2.</li>
 * </ul>
 *
 * <p>A LoRA-adapted projection adds (α/r)·(x·Aᵀ)·Bᵀ to x · Wᵀ (+ b) ({@link LoraAdapters}).
 *
 * <p>Plain NDArray operations on arrays named as the checkpoint names them, so the same code serves training (on the
 * parameters, recorded by a gradient collector) and sampling (on detached views, with a {@link KvCache}). Every
 * scalar operand is a PyTorch-owned array: a Java number would be wrapped in a buffer freed before backward.
 */
final class DecoderForward {

    private final HfConfig config;
    private final RotaryTable rotary;

    DecoderForward(HfConfig config, RotaryTable rotary) {
        this.config = config;
        this.rotary = rotary;
    }

    /**
     * The arrays a pass reads, by checkpoint name, each through {@code view} (e.g. {@code stopGradient}), and the LoRA
     * adapters added to the targeted projections, or null for none.
     */
    record Weights(Map<String, NDArray> byName, UnaryOperator<NDArray> view, LoraAdapters lora) {

        Weights(Map<String, NDArray> byName, UnaryOperator<NDArray> view) {
            this(byName, view, null);
        }

        NDArray get(String name) {
            NDArray a = byName.get(name);
            if (a == null) {
                throw new IllegalStateException("no weight '" + name + "'");
            }
            return view.apply(a);
        }

        NDArray optional(String name) {
            NDArray a = byName.get(name);
            return a == null ? null : view.apply(a);
        }
    }

    /**
     * Hidden states after the final RMSNorm, the inputs of the unembedding.
     *
     * @param tokens    ids, (B, S) int64
     * @param positions position ids, (B, S) int64
     * @param mask      additive attention mask, (B, 1, S, S_past + S): 0 where attended, −∞ (a large negative) elsewhere
     * @param cache     null, or the keys and values of the S_past earlier columns; this call's are appended to it
     * @return (B, S, hidden)
     */
    NDArray hidden(Weights w, NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        NDArray x = w.get("model.embed_tokens.weight").get(tokens);
        NDArray[] cosSin = rotary.cosSin(positions, x.getDataType());
        for (int i = 0; i < config.layers(); i++) {
            String p = "model.layers." + i + ".";
            x = x.add(attention(w, p, rmsNorm(x, w.get(p + "input_layernorm.weight")), cosSin, mask, cache, i));
            x = x.add(mlp(w, p, rmsNorm(x, w.get(p + "post_attention_layernorm.weight"))));
        }
        return rmsNorm(x, w.get("model.norm.weight"));
    }

    /** Next-token logits h · Wᵀ, W the {@link #unembedding}. */
    NDArray logits(Weights w, NDArray hidden) {
        return hidden.matMul(unembedding(w).transpose());
    }

    /** The unembedding, (vocab, hidden): {@code lm_head.weight}, or the embedding when tied. */
    NDArray unembedding(Weights w) {
        return config.tieWordEmbeddings() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    }

    private NDArray attention(Weights w, String p, NDArray x, NDArray[] cosSin, NDArray mask, KvCache cache,
                              int layer) {
        Shape shape = x.getShape();
        long rows = shape.get(0);
        long cols = shape.get(1);
        int headDim = config.headDim();
        NDArray q = heads(linear(x, w, p + "self_attn.q_proj"), rows, cols, config.heads());
        NDArray k = heads(linear(x, w, p + "self_attn.k_proj"), rows, cols, config.kvHeads());
        NDArray v = heads(linear(x, w, p + "self_attn.v_proj"), rows, cols, config.kvHeads());
        q = RotaryTable.rotate(q, cosSin);
        k = RotaryTable.rotate(k, cosSin);
        if (cache != null) {
            NDArray[] kv = cache.extend(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        if (config.groups() > 1) {
            // repeat_kv: kv head j serves query heads j·groups .. j·groups + groups − 1
            k = k.repeat(1, config.groups());
            v = v.repeat(1, config.groups());
        }
        NDArray scale = OwnedArrays.scalar(q, 1.0 / Math.sqrt(headDim));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);
        NDArray y = scores.softmax(-1).matMul(v);
        NDArray merged = y.transpose(0, 2, 1, 3).reshape(rows, cols, (long) config.heads() * headDim);
        return linear(merged, w, p + "self_attn.o_proj");
    }

    /** down(silu(gate(x)) · up(x)). */
    private NDArray mlp(Weights w, String p, NDArray x) {
        NDArray gate = linear(x, w, p + "mlp.gate_proj");
        NDArray up = linear(x, w, p + "mlp.up_proj");
        return linear(gate.mul(Activation.sigmoid(gate)).mul(up), w, p + "mlp.down_proj");
    }

    /**
     * x · Wᵀ + b, with b only where the checkpoint has one, plus the LoRA update (α/r)·(x·Aᵀ)·Bᵀ where the module is
     * adapted (PEFT adds it after the base layer's bias, as here).
     */
    private static NDArray linear(NDArray x, Weights w, String module) {
        NDArray y = x.matMul(w.get(module + ".weight").transpose());
        NDArray bias = w.optional(module + ".bias");
        if (bias != null) {
            y = y.add(bias);
        }
        return w.lora() == null ? y : w.lora().add(module, x, y, w.view());
    }

    /** (B, S, n·d) → (B, n, S, d). */
    private NDArray heads(NDArray x, long rows, long cols, int n) {
        return x.reshape(rows, cols, n, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** x / √(mean(x²) + ε) · weight over the last axis, computed in float32 whatever the activations' type. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        DataType type = x.getDataType();
        NDArray x32 = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray meanSquare = x32.mul(x32).mean(new int[] {-1}, true);
        NDArray normed = x32.div(meanSquare.add(OwnedArrays.scalar(meanSquare, config.rmsNormEps())).sqrt());
        return (type == DataType.FLOAT32 ? normed : normed.toType(type, false)).mul(weight);
    }

    /** Additive causal mask over left-padded rows: −1e9 for padding columns and for the future. */
    static NDArray causalMask(NDManager manager, boolean[][] present, int from, int width, DataType type) {
        int rows = present.length;
        int queries = width - from;
        float[] m = new float[rows * queries * width];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < queries; q++) {
                for (int c = 0; c < width; c++) {
                    boolean visible = c <= from + q && present[r][c];
                    m[(r * queries + q) * width + c] = visible ? 0f : -1e9f;
                }
            }
        }
        return OwnedArrays.owned(manager.create(m, new Shape(rows, 1, queries, width)), type);
    }
}
