package org.grpowb.variants;

import static org.grpowb.variants.MaskedRows.as;
import static org.grpowb.variants.MaskedRows.requireNonNegative;
import static org.grpowb.variants.MaskedRows.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;

/**
 * GSPO's clipped surrogate on the sequence importance ratio, in its token form (GSPO-token), from "Group Sequence
 * Policy Optimization" (Zheng et al. 2025, the Qwen3 RL loss), section 4.3.
 *
 * <pre>
 *   s_i     = exp( (1/|y_i|) Σ_t (log π_θ(y_{i,t}) − log π_old(y_{i,t})) )     length-normalised sequence ratio
 *   s_{i,t} = sg[s_i] · π_θ(y_{i,t}) / sg[π_θ(y_{i,t})]
 *           = exp( sg[log s_i] + log π_θ(y_{i,t}) − sg[log π_θ(y_{i,t})] )     (its value is s_i)
 *   L       = −(1/N) Σ_i (1/|y_i|) Σ_t [ min(s_{i,t} A_{i,t}, clip(s_{i,t}, 1 − ε_low, 1 + ε_high) A_{i,t})
 *                                         − β KL_{i,t} ]
 * </pre>
 *
 * N is {@link PolicyLossInput#globalSequences()}, so the losses of a step's micro-batches sum to the loss of the
 * batch; the 1/N over all kept sequences is the paper's 1/G averaged over the batch's groups (this is
 * {@link LossAggregation#GRPO}). Every token's ratio has the value s_i, the geometric mean of the token ratios: it is
 * clipped as a whole, so one off-policy token cannot escape the trust region on its own. Its gradient reaches only
 * the token's own log-prob, ∂s_{i,t}/∂log π_θ(y_{i,t}) = s_i.
 *
 * <p>Why the token form: A_{i,t} is read per token, as the engine hands it over (THR reweighting and
 * {@code top_entropy_quantile} make it differ along a completion), never averaged back into one advantage per
 * sequence. When A_{i,t} = A_i along each completion, value and gradient are GSPO's: the value is
 * −(1/N) Σ_i min(s_i A_i, clip(s_i) A_i), and GSPO's gradient −A_i s_i ∇(1/|y_i|) Σ_t log π_θ(y_{i,t}) / N is
 * exactly the sum of the token terms −(1/N)(1/|y_i|) A_i s_i ∇log π_θ(y_{i,t}), each cut where the sequence is
 * clipped. This is what the paper proposes for token-level advantages and what verl's {@code gspo} policy loss
 * computes.
 *
 * <p>The KL term (k3 estimator per token, as in {@link ClippedTokenLoss}) is added only when β > 0 and reference
 * log-probs are given; the paper trains without it (β = 0). Fully masked rows (dropped rollouts) contribute nothing
 * and give no NaN: padding is zeroed in log space before any {@code exp}.
 *
 * <p>Metrics over the micro-batch, detached: {@code kl} (mean k3 over masked tokens, 0 without a reference),
 * {@code clip_frac} (share of masked tokens whose clipped branch is active, i.e. whose gradient is cut:
 * s &lt; 1 − ε_low with A_{i,t} &lt; 0, or s &gt; 1 + ε_high with A_{i,t} &gt; 0 — per token, since the advantage's
 * sign may differ along a completion), {@code ratio_mean} and {@code ratio_max} (of s_i over sequences). With no
 * masked token, ratios read 1 and the others 0. {@link PolicyLossOutput#tokenClipped()} flags the same tokens as
 * {@code clip_frac}.
 *
 * @param epsilonLow  ε_low: s is clipped at 1 − ε_low (3e-4 in the paper)
 * @param epsilonHigh ε_high: s is clipped at 1 + ε_high (4e-4 in the paper)
 * @param beta        β, the KL coefficient; 0 switches the penalty off
 */
public record ClippedSequenceLoss(double epsilonLow, double epsilonHigh, double beta) implements PolicyLoss {

    public ClippedSequenceLoss {
        requireNonNegative("epsilonLow", epsilonLow);
        requireNonNegative("epsilonHigh", epsilonHigh);
        requireNonNegative("beta", beta);
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        try (NDScope scope = new NDScope()) {
            NDArray mask = as(input.mask(), type);
            NDArray active = MaskedRows.active(mask);
            NDArray advantages = MaskedRows.zeroPadding(as(input.advantages(), type), mask);

            NDArray logRatio = MaskedRows.zeroPadding(logProbs.sub(as(input.oldLogProbs(), type)), mask);
            NDArray sequenceLogRatio = MaskedRows.mean(logRatio, mask).stopGradient();      // sg[log s_i], (B, 1)
            NDArray policy = MaskedRows.zeroPadding(logProbs, mask);
            // log π − sg[log π] is 0 in value and 1 in derivative: it hangs each token's gradient on s_i
            NDArray ratio = policy.sub(policy.stopGradient()).add(sequenceLogRatio).exp();  // s_{i,t}, (B, T)
            NDArray unclipped = ratio.mul(advantages);
            NDArray clipped = ratio.clip(1 - epsilonLow, 1 + epsilonHigh).mul(advantages);
            NDArray perToken = unclipped.minimum(clipped).neg();

            NDArray kl = null;
            if (beta > 0 && input.refLogProbs() != null) {
                NDArray refMinusPolicy = MaskedRows.zeroPadding(as(input.refLogProbs(), type).sub(logProbs), mask);
                kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(OwnedArrays.scalar(refMinusPolicy, 1));
                perToken = perToken.add(kl.mul(OwnedArrays.scalar(kl, beta)));
            }

            // (1/N) Σ_i (1/|y_i|) Σ_t: the per-sequence token mean, then the mean over the step's sequences
            NDArray loss = LossAggregation.GRPO.aggregate(perToken.mul(mask), mask, input);
            NDArray sequenceRatio = sequenceLogRatio.exp();                                   // s_i, detached
            NDArray detachedRatio = ratio.stopGradient();
            NDArray tokenClipped = detachedRatio.lt(1 - epsilonLow).logicalAnd(advantages.lt(0))
                    .logicalOr(detachedRatio.gt(1 + epsilonHigh).logicalAnd(advantages.gt(0)))
                    .toType(type, false).mul(mask);
            Map<String, Double> metrics = metrics(sequenceRatio, kl == null ? null : kl.stopGradient(), tokenClipped,
                    active, mask);
            NDScope.unregister(loss, tokenClipped);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, tokenClipped);
        }
    }

    private static Map<String, Double> metrics(NDArray ratio, NDArray kl, NDArray tokenClipped, NDArray active,
                                               NDArray mask) {
        double sequences = scalar(active.sum());
        Map<String, Double> m = new LinkedHashMap<>();
        if (sequences <= 0) {
            m.put("kl", 0.0);
            m.put("clip_frac", 0.0);
            m.put("ratio_mean", 1.0);
            m.put("ratio_max", 1.0);
            return m;
        }
        m.put("kl", kl == null ? 0.0 : scalar(kl.mul(mask).sum()) / scalar(mask.sum()));
        m.put("clip_frac", scalar(tokenClipped.sum()) / scalar(mask.sum()));
        m.put("ratio_mean", scalar(ratio.mul(active).sum()) / sequences);
        // s > 0, so a masked row's 0 cannot win the max over a real sequence
        m.put("ratio_max", scalar(ratio.mul(active).max()));
        return m;
    }
}
