package org.grpowb.variants;

import static org.grpowb.variants.MaskedRows.as;
import static org.grpowb.variants.MaskedRows.requireNonNegative;
import static org.grpowb.variants.MaskedRows.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;

/**
 * GRPO's clipped token-level surrogate with a k3 KL penalty, from "DeepSeekMath: Pushing the Limits of Mathematical
 * Reasoning in Open Language Models" (Shao et al. 2024), its GRPO objective, with the clip-higher split ε_low / ε_high of DAPO.
 *
 * <pre>
 *   ρ_{i,t}  = exp(log π_θ − log π_old)
 *   KL_{i,t} = exp(log π_ref − log π_θ) − (log π_ref − log π_θ) − 1     (k3 estimator, unbiased and ≥ 0)
 *   ℓ_{i,t}  = −( min(ρ A_{i,t}, clip(ρ, 1 − ε_low, 1 + ε_high) A_{i,t}) − β KL )    A_{i,t}: the token's own advantage
 *   L        = aggregation of ℓ over masked tokens           ({@link LossAggregation}, TRL's {@code loss_type})
 * </pre>
 *
 * <p>The KL term is added only when β > 0 and reference log-probs are given. Padding positions are zeroed in log space
 * before {@code exp}, so whatever the engine pads log-probs with (0, −∞) they give ρ = 1 and KL = 0 and never
 * NaN; the mask then removes them from the sum. The gradient path runs from the loss to {@code logProbs} only.
 *
 * <p>Metrics, computed on detached values over masked tokens: {@code kl} (mean KL, 0 without a reference),
 * {@code clip_frac} (share of tokens where the clipped branch is active, i.e. the gradient is cut:
 * ρ < 1 − ε_low with A < 0, or ρ > 1 + ε_high with A > 0, as TRL's {@code clip_ratio/region_mean}),
 * {@code ratio_mean} and {@code ratio_max}. With no masked token, ratios read 1 and the others 0.
 *
 * @param epsilonLow  ε_low, lower clip range (ρ is clipped at 1 − ε_low)
 * @param epsilonHigh ε_high, upper clip range (ρ is clipped at 1 + ε_high); equal to ε_low in DeepSeekMath
 * @param beta        β, the KL coefficient; 0 switches the penalty off
 * @param aggregation how per-token losses are reduced to a scalar
 */
public record ClippedTokenLoss(double epsilonLow, double epsilonHigh, double beta, LossAggregation aggregation)
        implements PolicyLoss {

    public ClippedTokenLoss {
        requireNonNegative("epsilonLow", epsilonLow);
        requireNonNegative("epsilonHigh", epsilonHigh);
        requireNonNegative("beta", beta);
        Objects.requireNonNull(aggregation, "aggregation");
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        // Every intermediate is closed when the scope ends; the autograd graph keeps its own references.
        try (NDScope scope = new NDScope()) {
            NDArray mask = as(input.mask(), type);
            NDArray advantages = as(input.advantages(), type);
            NDArray active = mask.gt(0);
            NDArray zeros = logProbs.zerosLike();

            NDArray ratio = NDArrays.where(active, logProbs.sub(as(input.oldLogProbs(), type)), zeros).exp();
            NDArray unclipped = ratio.mul(advantages);
            NDArray clipped = ratio.clip(1 - epsilonLow, 1 + epsilonHigh).mul(advantages);
            NDArray perToken = unclipped.minimum(clipped).neg();

            NDArray kl = null;
            if (beta > 0 && input.refLogProbs() != null) {
                NDArray refMinusPolicy = NDArrays.where(active, as(input.refLogProbs(), type).sub(logProbs), zeros);
                kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(OwnedArrays.scalar(refMinusPolicy, 1));
                perToken = perToken.add(kl.mul(OwnedArrays.scalar(kl, beta)));
            }

            NDArray loss = aggregation.aggregate(perToken.mul(mask), mask, input);
            Map<String, Double> metrics = metrics(ratio.stopGradient(), kl == null ? null : kl.stopGradient(),
                    advantages, mask);
            NDArray tokenClipped = clippedTokens(ratio.stopGradient(), advantages, mask);
            NDScope.unregister(loss, tokenClipped);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, tokenClipped);
        }
    }

    /** 1 where the clipped branch is active (the token's gradient is cut), 0 elsewhere and at padding. */
    private NDArray clippedTokens(NDArray ratio, NDArray advantages, NDArray mask) {
        NDArray lowClipped = ratio.lt(1 - epsilonLow).logicalAnd(advantages.lt(0));
        NDArray highClipped = ratio.gt(1 + epsilonHigh).logicalAnd(advantages.gt(0));
        return lowClipped.logicalOr(highClipped).toType(mask.getDataType(), false).mul(mask);
    }

    private Map<String, Double> metrics(NDArray ratio, NDArray kl, NDArray advantages, NDArray mask) {
        double tokens = scalar(mask.sum());
        Map<String, Double> m = new LinkedHashMap<>();
        if (tokens <= 0) {
            m.put("kl", 0.0);
            m.put("clip_frac", 0.0);
            m.put("ratio_mean", 1.0);
            m.put("ratio_max", 1.0);
            return m;
        }
        NDArray clippedTokens = clippedTokens(ratio, advantages, mask);
        m.put("kl", kl == null ? 0.0 : scalar(kl.mul(mask).sum()) / tokens);
        m.put("clip_frac", scalar(clippedTokens.sum()) / tokens);
        m.put("ratio_mean", scalar(ratio.mul(mask).sum()) / tokens);
        // ρ > 0, so masking to 0 cannot win the max over a real token
        m.put("ratio_max", scalar(ratio.mul(mask).max()));
        return m;
    }
}
