package org.grpowb.tinygpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.decoding.KvCache;

/**
 * The forward pass of a GPT-2-style decoder (Radford et al. 2019, "Language Models are Unsupervised Multitask
 * Learners"): learned token and position embeddings, pre-LayerNorm blocks of causal multi-head self-attention and a
 * 4×-wide GELU MLP, each added to the residual stream, then a final LayerNorm and the unembedding (tied to the token
 * embedding, or a separate {@code lm_head}: see {@link TinyGptConfig#tied()}).
 *
 * <p>Plain NDArray operations on named arrays, so the same code serves training (on the parameters themselves, recorded
 * by a gradient collector) and sampling (on detached views, with a {@link KvCache}).
 */
final class Transformer {

    private static final float LAYER_NORM_EPS = 1e-5f;

    private final int heads;
    private final int width;
    private final Shape normalizedShape;

    Transformer(TinyGptConfig config) {
        this.heads = config.heads();
        this.width = config.width();
        this.normalizedShape = new Shape(config.width());
    }

    /** The arrays of one block, in the names of {@link TinyGptConfig#parameterSpecs()}. */
    record Block(NDArray ln1G, NDArray ln1B, NDArray qkvW, NDArray qkvB, NDArray projW, NDArray projB,
                 NDArray ln2G, NDArray ln2B, NDArray fcW, NDArray fcB, NDArray fcProjW, NDArray fcProjB) {
    }

    /**
     * The arrays a forward pass reads: the parameters themselves, or views of them.
     *
     * @param unembed the output matrix (V, D): {@code tokEmb} itself when tied, {@code lm_head} when not
     */
    record Weights(NDArray tokEmb, NDArray posEmb, List<Block> blocks, NDArray lnfG, NDArray lnfB, NDArray unembed) {

        /** @param view applied to every parameter, e.g. {@code NDArray::stopGradient} so sampling records nothing */
        static Weights of(Map<String, NDArray> parameters, UnaryOperator<NDArray> view, int layers) {
            List<Block> blocks = new ArrayList<>(layers);
            for (int i = 0; i < layers; i++) {
                String h = "h" + i + ".";
                blocks.add(new Block(
                        view.apply(parameters.get(h + "ln1.g")), view.apply(parameters.get(h + "ln1.b")),
                        view.apply(parameters.get(h + "attn.qkv.w")), view.apply(parameters.get(h + "attn.qkv.b")),
                        view.apply(parameters.get(h + "attn.proj.w")), view.apply(parameters.get(h + "attn.proj.b")),
                        view.apply(parameters.get(h + "ln2.g")), view.apply(parameters.get(h + "ln2.b")),
                        view.apply(parameters.get(h + "mlp.fc.w")), view.apply(parameters.get(h + "mlp.fc.b")),
                        view.apply(parameters.get(h + "mlp.proj.w")), view.apply(parameters.get(h + "mlp.proj.b"))));
            }
            NDArray tokEmb = view.apply(parameters.get("tok_emb"));
            NDArray lmHead = parameters.get(TinyGptConfig.LM_HEAD);
            return new Weights(tokEmb, view.apply(parameters.get("pos_emb")), blocks,
                    view.apply(parameters.get("lnf.g")), view.apply(parameters.get("lnf.b")),
                    lmHead == null ? tokEmb : view.apply(lmHead));
        }
    }

    /**
     * Hidden states after the final LayerNorm.
     *
     * @param tokens    ids, (B, S) int64
     * @param positions position ids, (B, S) int64
     * @param mask      additive attention mask, (B, 1, S, S_past + S)
     * @param cache     null, or the keys and values of the S_past earlier columns; this call's are appended to it
     * @return (B, S, D)
     */
    NDArray hidden(Weights w, NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        NDArray x = w.tokEmb().get(tokens).add(w.posEmb().get(positions));
        for (int i = 0; i < w.blocks().size(); i++) {
            Block b = w.blocks().get(i);
            x = x.add(attention(b, layerNorm(x, b.ln1G(), b.ln1B()), mask, cache, i));
            x = x.add(mlp(b, layerNorm(x, b.ln2G(), b.ln2B())));
        }
        return layerNorm(x, w.lnfG(), w.lnfB());
    }

    /** softmax(q kᵀ / √d_head + mask) v over every head at once, then the output projection. */
    private NDArray attention(Block b, NDArray x, NDArray mask, KvCache cache, int layer) {
        Shape shape = x.getShape();
        long rows = shape.get(0);
        long cols = shape.get(1);
        NDList qkv = x.matMul(b.qkvW()).add(b.qkvB()).split(3, 2);
        NDArray q = splitHeads(qkv.get(0), rows, cols);
        NDArray k = splitHeads(qkv.get(1), rows, cols);
        NDArray v = splitHeads(qkv.get(2), rows, cols);
        if (cache != null) {
            NDArray[] kv = cache.extend(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        double scale = 1.0 / Math.sqrt((double) width / heads);
        // a PyTorch-owned scalar: DJL's mul(Number) wraps the number in Java memory that it frees right after the op,
        // while autograd keeps the operand for backward (see OwnedArrays)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(OwnedArrays.scalar(q, scale)).add(mask);
        NDArray y = scores.softmax(-1).matMul(v);
        return y.transpose(0, 2, 1, 3).reshape(rows, cols, width).matMul(b.projW()).add(b.projB());
    }

    /** (B, S, D) → (B, H, S, D/H). */
    private NDArray splitHeads(NDArray x, long rows, long cols) {
        return x.reshape(rows, cols, heads, width / heads).transpose(0, 2, 1, 3);
    }

    /** GELU(x W_fc + b_fc) W_proj + b_proj; GELU in its exact erf form (GPT-2 used the tanh approximation). */
    private static NDArray mlp(Block b, NDArray x) {
        return Activation.gelu(x.matMul(b.fcW()).add(b.fcB())).matMul(b.fcProjW()).add(b.fcProjB());
    }

    /**
     * (x − mean) / √(var + ε) · g + b over the last axis (Ba et al. 2016), biased variance. DJL's fused kernel: one
     * operation instead of nine, which matters when a decoding step is a few hundred small ones.
     */
    private NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        return LayerNorm.layerNorm(x, normalizedShape, gain, bias, LAYER_NORM_EPS).head();
    }
}
