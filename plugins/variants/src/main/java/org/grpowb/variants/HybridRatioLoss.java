package org.grpowb.variants;

import static org.grpowb.variants.MaskedRows.as;
import static org.grpowb.variants.MaskedRows.requireNonNegative;
import static org.grpowb.variants.MaskedRows.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;

/**
 * DHPO's clipped surrogate on a mix of the token ratio and the sequence ratio, from "Orchestrating Tokens and
 * Sequences: Dynamic Hybrid Policy Optimization for RLVR" (Min et al. 2026).
 *
 * <pre>
 *   ρ_{i,t} = exp(log π_θ − log π_old)                                 token ratio (GRPO)
 *   s_i     = exp( (1/|y_i|) Σ_t (log π_θ − log π_old) )               sequence ratio (GSPO)
 *   ρ̃_{i,t}  = w_{i,t} ρ_{i,t} + (1 − w_{i,t}) s_i                    unclipped mix
 *   ρ_mix   = w_{i,t} clip(ρ_{i,t}, 1 − ε_low, 1 + ε_high) + (1 − w_{i,t}) clip(s_i, 1 − ε^s_low, 1 + ε^s_high)
 *   ℓ_{i,t} = −min(ρ̃_{i,t} A_{i,t}, ρ_mix A_{i,t}) + β KL_{i,t}        KL: k3, as in {@link ClippedTokenLoss}
 *   L       = aggregation of ℓ over masked tokens                      ({@link LossAggregation}, default grpo)
 * </pre>
 *
 * <p>A_{i,t} is each token's own advantage as the engine hands it over: the rollout's A_i broadcast, or a per-token
 * value where reweighting (THR, {@code top_entropy_quantile}) made one. Both branches multiply it token by token: the
 * sequence branch's gradient on any token of a completion is proportional to Σ_t (1 − w_{i,t}) A_{i,t} s_i / |y_i|
 * over its unclipped tokens t, each token's advantage with its own weight, never an average of the advantages.
 *
 * <p>Choices (the paper's abstract fixes the structure; its full method and code were not available to check):
 * <ul>
 *   <li>Branch-specific clipping: each ratio is clipped in its own trust region <em>before</em> mixing, as the paper
 *       says, so an outlier token ratio cannot drag the sequence branch out and vice versa. The token branch defaults
 *       to DAPO's [1 − 0.2, 1 + 0.28], the sequence branch to GSPO's [1 − 3e-4, 1 + 4e-4].</li>
 *   <li>The mixed clipped ratio enters a PPO-style pessimistic bound, min with the unclipped mix ρ̃ — the "single
 *       clipped surrogate objective" of the abstract. As in PPO, a ratio that ran away in the direction that lowers
 *       the objective keeps its gradient; without the min, clipping would also block the update that brings it
 *       back.</li>
 *   <li>Averaged mixing: w = 1/2. Entropy-guided mixing: w_{i,t} = H_{i,t} / max_{t'} H_{i,t'}, the token's entropy
 *       normalised by the largest entropy of its own completion (masked tokens only). High-entropy "forking"
 *       tokens lean on their own token ratio (fine credit assignment); near-deterministic tokens follow the sequence
 *       ratio. Normalising within the completion keeps w in [0, 1] without knowing the vocabulary size (log V is
 *       not in {@link PolicyLossInput}), and keeps a completion's loss independent of which micro-batch it lands
 *       in, so micro-batch losses still sum to the batch loss. A completion whose tokens all have zero entropy,
 *       and every completion when {@link PolicyLossInput#entropies()} is null, falls back to w = 1/2. w is
 *       computed from detached entropies and carries no gradient.</li>
 * </ul>
 * The gradient reaches log π_θ through both branches: through ρ_{i,t} for the token itself and, through s_i, spread
 * over all tokens of the completion with weight 1/|y_i|.
 *
 * <p>Metrics over masked tokens, detached: {@code kl} (0 without a reference), {@code clip_frac} (share of tokens
 * where the clipped mix is the active branch, ρ_mix A &lt; ρ̃ A), {@code ratio_mean} (mean token ratio),
 * {@code seq_ratio_mean} (mean s_i over sequences) and {@code mixing_weight} (mean w). With no masked token, ratios
 * read 1, the weight 1/2 and the others 0. {@link PolicyLossOutput#tokenClipped()} flags the same tokens as
 * {@code clip_frac}.
 *
 * @param epsilonLow          ε_low of the token branch
 * @param epsilonHigh         ε_high of the token branch
 * @param sequenceEpsilonLow  ε^s_low of the sequence branch
 * @param sequenceEpsilonHigh ε^s_high of the sequence branch
 * @param beta                β, the KL coefficient; 0 switches the penalty off
 * @param mixing              how w is chosen
 * @param aggregation         how per-token losses are reduced to a scalar
 */
public record HybridRatioLoss(double epsilonLow, double epsilonHigh, double sequenceEpsilonLow,
                              double sequenceEpsilonHigh, double beta, Mixing mixing, LossAggregation aggregation)
        implements PolicyLoss {

    /** How the token ratio and the sequence ratio are weighted, as the {@code mixing} setting names it. */
    public enum Mixing {
        /** w = 1/2 for every token. */
        AVERAGED("averaged"),
        /** w from the token's entropy, normalised by the largest entropy of its completion. */
        ENTROPY("entropy");

        private final String settingValue;

        Mixing(String settingValue) {
            this.settingValue = settingValue;
        }

        public String settingValue() {
            return settingValue;
        }

        public static List<String> settingValues() {
            return Arrays.stream(values()).map(Mixing::settingValue).toList();
        }

        /**
         * @throws IllegalArgumentException naming the value and the known ones
         */
        public static Mixing of(String settingValue) {
            for (Mixing m : values()) {
                if (m.settingValue.equals(settingValue)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mixing '" + settingValue + "'; known: " + settingValues());
        }
    }

    public HybridRatioLoss {
        requireNonNegative("epsilonLow", epsilonLow);
        requireNonNegative("epsilonHigh", epsilonHigh);
        requireNonNegative("sequenceEpsilonLow", sequenceEpsilonLow);
        requireNonNegative("sequenceEpsilonHigh", sequenceEpsilonHigh);
        requireNonNegative("beta", beta);
        Objects.requireNonNull(mixing, "mixing");
        Objects.requireNonNull(aggregation, "aggregation");
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        try (NDScope scope = new NDScope()) {
            NDArray mask = as(input.mask(), type);
            NDArray advantages = as(input.advantages(), type);

            NDArray logRatio = MaskedRows.zeroPadding(logProbs.sub(as(input.oldLogProbs(), type)), mask);
            NDArray tokenRatio = logRatio.exp();                                     // (B, T)
            NDArray sequenceRatio = MaskedRows.mean(logRatio, mask).exp();           // (B, 1)
            NDArray w = weights(input, mask, type);
            NDArray oneMinusW = w.neg().add(OwnedArrays.scalar(w, 1));

            NDArray mixed = tokenRatio.mul(w).add(sequenceRatio.mul(oneMinusW));
            NDArray mixedClipped = tokenRatio.clip(1 - epsilonLow, 1 + epsilonHigh).mul(w)
                    .add(sequenceRatio.clip(1 - sequenceEpsilonLow, 1 + sequenceEpsilonHigh).mul(oneMinusW));
            NDArray unclippedObjective = mixed.mul(advantages);
            NDArray clippedObjective = mixedClipped.mul(advantages);
            NDArray perToken = unclippedObjective.minimum(clippedObjective).neg();

            NDArray kl = null;
            if (beta > 0 && input.refLogProbs() != null) {
                NDArray refMinusPolicy = MaskedRows.zeroPadding(as(input.refLogProbs(), type).sub(logProbs), mask);
                kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(OwnedArrays.scalar(refMinusPolicy, 1));
                perToken = perToken.add(kl.mul(OwnedArrays.scalar(kl, beta)));
            }

            NDArray loss = aggregation.aggregate(perToken.mul(mask), mask, input);
            NDArray tokenClipped = clippedObjective.stopGradient().lt(unclippedObjective.stopGradient())
                    .toType(type, false).mul(mask);
            Map<String, Double> metrics = metrics(tokenRatio.stopGradient(), sequenceRatio.stopGradient(), w,
                    tokenClipped, kl == null ? null : kl.stopGradient(), mask);
            NDScope.unregister(loss, tokenClipped);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, tokenClipped);
        }
    }

    /** w_{i,t}, shape (B, T), no gradient. */
    private NDArray weights(PolicyLossInput input, NDArray mask, DataType type) {
        NDArray half = mask.zerosLike().add(OwnedArrays.scalar(mask, 0.5));
        if (mixing == Mixing.AVERAGED || input.entropies() == null) {
            return half;
        }
        NDArray entropy = MaskedRows.zeroPadding(as(input.entropies(), type).stopGradient(), mask);
        NDArray largest = entropy.mul(mask).max(new int[]{1}, true);                 // (B, 1)
        NDArray normalised = entropy.div(largest.maximum(OwnedArrays.scalar(largest, 1e-12))).clip(0, 1);
        return NDArrays.where(largest.gt(0).broadcast(mask.getShape()), normalised, half);
    }

    private static Map<String, Double> metrics(NDArray tokenRatio, NDArray sequenceRatio, NDArray w,
                                               NDArray tokenClipped, NDArray kl, NDArray mask) {
        double tokens = scalar(mask.sum());
        Map<String, Double> m = new LinkedHashMap<>();
        if (tokens <= 0) {
            m.put("kl", 0.0);
            m.put("clip_frac", 0.0);
            m.put("ratio_mean", 1.0);
            m.put("seq_ratio_mean", 1.0);
            m.put("mixing_weight", 0.5);
            return m;
        }
        NDArray active = MaskedRows.active(mask);
        m.put("kl", kl == null ? 0.0 : scalar(kl.mul(mask).sum()) / tokens);
        m.put("clip_frac", scalar(tokenClipped.sum()) / tokens);
        m.put("ratio_mean", scalar(tokenRatio.mul(mask).sum()) / tokens);
        m.put("seq_ratio_mean", scalar(sequenceRatio.mul(active).sum()) / scalar(active.sum()));
        m.put("mixing_weight", scalar(w.mul(mask).sum()) / tokens);
        return m;
    }
}
