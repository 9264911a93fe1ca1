package org.grpowb.hf;

import java.util.Collection;
import org.grpowb.api.MemoryNeeds;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;

/**
 * What a Llama-family model needs in memory when trained here, from its config alone: float32 weights, gradients and
 * Adam moments for what is trained (every weight, or the LoRA adapters), and what one token keeps on the gradient tape
 * through {@code DecoderForward}'s operations (the unembedding is chunked and keeps only the last hidden state).
 *
 * <p>Per block and token, the tensors the tape keeps for backward, counted from the forward's operations: the two
 * RMSNorms' inputs and outputs (4·d), q, k, v and their rotated copies (2·(d_q + 2·d_kv)), the keys and values repeated
 * for grouped-query attention (2·d_q), the attention scores before and after the softmax (2·heads·S at a context of S),
 * the attention output and o_proj's input (2·d), and the SwiGLU MLP's gate, sigmoid, product, up and their product
 * (5·intermediate). All float32.
 */
public final class MemoryEstimate {

    private MemoryEstimate() {
    }

    /**
     * The needs of {@code config} opened with {@code context}.
     *
     * @param loraRank    0 for full fine-tuning, else the adapters' rank
     * @param loraTargets the projections adapted ({@code q_proj}, …, {@code down_proj}); unused when the rank is 0
     */
    public static MemoryNeeds of(HfConfig config, int context, int loraRank, Collection<String> loraTargets) {
        long parameters = ExpectedWeights.of(config).parameterCount();
        long d = config.hiddenSize();
        long dq = (long) config.heads() * config.headDim();
        long dkv = (long) config.kvHeads() * config.headDim();
        long inter = config.intermediateSize();
        long trainable = parameters;
        if (loraRank > 0) {
            long perLayer = 0;
            for (String target : loraTargets) {
                long[] inOut = switch (target) {
                    case "q_proj" -> new long[] {d, dq};
                    case "k_proj", "v_proj" -> new long[] {d, dkv};
                    case "o_proj" -> new long[] {dq, d};
                    case "gate_proj", "up_proj" -> new long[] {d, inter};
                    case "down_proj" -> new long[] {inter, d};
                    default -> throw new IllegalArgumentException("lora_target_modules: '" + target
                            + "' is not a projection of a " + config.modelType() + " block");
                };
                perLayer += (long) loraRank * (inOut[0] + inOut[1]);
            }
            trainable = perLayer * config.layers();
            parameters += trainable;
        }
        long perLayer = 4 * d + 2 * (dq + 2 * dkv) + 2 * dq + 2L * config.heads() * context + 2 * d + 5 * inter;
        long activation = 4 * (perLayer * config.layers() + 2 * d);
        long kvCache = 4 * 2 * dkv * config.layers();
        return new MemoryNeeds(parameters, trainable, loraRank > 0, activation, kvCache, context);
    }
}
