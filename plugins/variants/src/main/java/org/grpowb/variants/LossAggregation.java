package org.grpowb.variants;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLossInput;

/**
 * How per-token losses ℓ_{i,t} (already multiplied by the mask M_{i,t}) become one scalar, named as in TRL's
 * {@code loss_type} option of {@code GRPOTrainer}. Every option divides by a count of the whole step (taken from
 * {@link PolicyLossInput}), never of the micro-batch, so the losses of a step's micro-batches sum to the loss of the
 * whole batch. Counts are guarded with max(count, 1): a micro-batch of fully masked rows gives 0, not NaN.
 *
 * <p>The division comes before the final sum: a 0-dimensional tensor divided by a Java double is promoted to float64
 * by PyTorch, whereas dividing the (B, T) tensor keeps the policy's data type.
 */
public enum LossAggregation {

    /**
     * DeepSeekMath's GRPO: each sequence's mean over its own tokens, then the mean over sequences,
     * L = (1/N) Σ_i (Σ_t ℓ_{i,t} M_{i,t}) / max(Σ_t M_{i,t}, 1), N = {@code globalSequences}.
     * Long completions get less weight per token, the length bias Dr. GRPO points out.
     */
    GRPO("grpo") {
        @Override
        NDArray aggregate(NDArray maskedLoss, NDArray mask, PolicyLossInput input) {
            NDArray lengths = mask.sum(new int[]{1});
            NDArray perSequence = maskedLoss.sum(new int[]{1}).div(lengths.maximum(OwnedArrays.scalar(lengths, 1)));
            return perSequence.div(OwnedArrays.scalar(perSequence, atLeastOne(input.globalSequences()))).sum();
        }
    },

    /**
     * Batch-normalised: L = Σ_{i,t} ℓ_{i,t} M_{i,t} / max(T_active, 1), T_active = {@code globalActiveTokens}.
     * TRL divides by the tokens of its local batch; the engine passes the whole step's count, so here {@code bnpo}
     * and {@link #DAPO} coincide (they do in TRL too when the step is one batch).
     */
    BNPO("bnpo") {
        @Override
        NDArray aggregate(NDArray maskedLoss, NDArray mask, PolicyLossInput input) {
            return maskedLoss.div(OwnedArrays.scalar(maskedLoss, atLeastOne(input.globalActiveTokens()))).sum();
        }
    },

    /**
     * Dr. GRPO ("Understanding R1-Zero-Like Training: A Critical Perspective"): a constant normaliser removes the
     * length bias, L = Σ_{i,t} ℓ_{i,t} M_{i,t} / (N · L_max), N = {@code globalSequences},
     * L_max = {@code maxCompletionLength}.
     */
    DR_GRPO("dr_grpo") {
        @Override
        NDArray aggregate(NDArray maskedLoss, NDArray mask, PolicyLossInput input) {
            if (input.maxCompletionLength() < 1) {
                throw new IllegalArgumentException("dr_grpo aggregation needs maxCompletionLength >= 1, got "
                        + input.maxCompletionLength());
            }
            return maskedLoss.div(OwnedArrays.scalar(maskedLoss, atLeastOne(input.globalSequences()) * input.maxCompletionLength())).sum();
        }
    },

    /**
     * DAPO ("DAPO: An Open-Source LLM Reinforcement Learning System at Scale"), token-level: every active token of
     * the global batch weighs the same, L = Σ_{i,t} ℓ_{i,t} M_{i,t} / max(T_active, 1).
     */
    DAPO("dapo") {
        @Override
        NDArray aggregate(NDArray maskedLoss, NDArray mask, PolicyLossInput input) {
            return maskedLoss.div(OwnedArrays.scalar(maskedLoss, atLeastOne(input.globalActiveTokens()))).sum();
        }
    };

    private final String settingValue;

    LossAggregation(String settingValue) {
        this.settingValue = settingValue;
    }

    /**
     * Reduces the masked per-token loss to a scalar.
     *
     * @param maskedLoss ℓ_{i,t} · M_{i,t}, shape (B, T)
     * @param mask       M_{i,t}, shape (B, T), same data type
     */
    abstract NDArray aggregate(NDArray maskedLoss, NDArray mask, PolicyLossInput input);

    /** The value as written in a project file. */
    public String settingValue() {
        return settingValue;
    }

    /** Setting values of all options, in declaration order. */
    public static List<String> settingValues() {
        return Arrays.stream(values()).map(LossAggregation::settingValue).toList();
    }

    /**
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static LossAggregation of(String settingValue) {
        for (LossAggregation a : values()) {
            if (a.settingValue.equals(settingValue)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown loss aggregation '" + settingValue + "'; known: " + settingValues());
    }

    private static double atLeastOne(long count) {
        return Math.max(count, 1L);
    }
}
