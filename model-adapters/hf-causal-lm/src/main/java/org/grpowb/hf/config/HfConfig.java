package org.grpowb.hf.config;

import java.util.List;

/**
 * The architecture of a decoder-only causal LM of the Llama family (Llama 3.x, Qwen2/2.5, SmolLM2, Mistral), as read
 * from its {@code config.json} by {@link HfConfigReader}.
 *
 * @param modelType             {@code model_type}: {@code llama}, {@code qwen2} or {@code mistral}
 * @param hiddenSize            d, the residual width
 * @param intermediateSize      the SwiGLU MLP's width
 * @param layers                decoder blocks
 * @param heads                 query heads
 * @param kvHeads               key/value heads (grouped-query attention: query head h uses KV head h / (heads / kvHeads))
 * @param headDim               per-head width ({@code head_dim}, else hidden / heads)
 * @param ropeTheta             θ of the rotary embedding
 * @param ropeScaling           Llama 3's frequency scaling, or null when the config has none
 * @param rmsNormEps            ε of every RMSNorm
 * @param vocabSize             rows of the embedding (may exceed the tokenizer's size: Qwen pads it)
 * @param tieWordEmbeddings     the unembedding is the embedding (no {@code lm_head.weight} in the files)
 * @param qkvBias               q_proj, k_proj and v_proj have biases (Qwen2 always; Llama when {@code attention_bias})
 * @param outputBias            o_proj has a bias (Llama's {@code attention_bias}; never in Qwen2)
 * @param mlpBias               gate/up/down projections have biases ({@code mlp_bias})
 * @param maxPositionEmbeddings the longest sequence the model was trained for
 * @param bosTokenId            {@code bos_token_id}, or null
 * @param eosTokenIds           {@code eos_token_id} (a number or a list in the config), possibly empty
 */
public record HfConfig(String modelType, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                       int headDim, double ropeTheta, RopeScaling ropeScaling, double rmsNormEps, int vocabSize,
                       boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias, boolean mlpBias,
                       int maxPositionEmbeddings, Integer bosTokenId, List<Integer> eosTokenIds) {

    public HfConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /**
     * Llama 3's rotary frequency scaling ({@code rope_type: llama3}).
     *
     * @param factor                        frequencies of long wavelengths are divided by it
     * @param lowFreqFactor                 wavelengths above original / lowFreqFactor are fully scaled
     * @param highFreqFactor                wavelengths below original / highFreqFactor are kept
     * @param originalMaxPositionEmbeddings the context the unscaled model was trained for
     */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings) {
    }

    /** Query heads per key/value head. */
    public int groups() {
        return heads / kvHeads;
    }
}
