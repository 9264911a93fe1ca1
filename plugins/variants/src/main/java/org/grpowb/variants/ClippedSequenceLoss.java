package org.grpowb.variants;

import static org.grpowb.variants.MaskedRows.as;
import static org.grpowb.variants.MaskedRows.requireNonNegative;
import static org.grpowb.variants.MaskedRows.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;

/**
 * GSPO's clipped surrogate on one importance ratio per completion, from "Group Sequence Policy Optimization"
 * (Zheng et al. 2025, the Qwen3 RL loss).
 *
 * <pre>
 *   s_i  = exp( (1/|y_i|) Σ_t (log π_θ(y_{i,t}) − log π_old(y_{i,t})) )     length-normalised sequence ratio
 *   L    = −(1/N) Σ_i [ min(s_i A_i, clip(s_i, 1 − ε_low, 1 + ε_high) A_i) − β · (1/|y_i|) Σ_t KL_{i,t} ]
 * </pre>
 *
 * N is {@link PolicyLossInput#globalSequences()}, so the losses of a step's micro-batches sum to the loss of the
 * batch; the 1/N over all kept sequences is the paper's 1/G averaged over the batch's groups. The ratio is the
 * geometric mean of the token ratios: it is clipped as a whole, so one off-policy token cannot escape the trust
 * region on its own, and the gradient of every token of a sequence is scaled by the same s_i / |y_i|.
 * A_i is read back as the mean of the per-token advantages over the row's masked tokens (the engine broadcasts it).
 *
 * <p>The KL term (k3 estimator per token, as in {@link ClippedTokenLoss}, averaged over the sequence's tokens) is
 * added only when β > 0 and reference log-probs are given; the paper trains without it (β = 0). Fully masked rows
 * (dropped rollouts) contribute nothing and give no NaN.
 *
 * <p>Metrics over the micro-batch, detached: {@code kl} (mean k3 over masked tokens, 0 without a reference),
 * {@code clip_frac} (share of sequences whose clipped branch is active, i.e. the gradient is cut:
 * s &lt; 1 − ε_low with A &lt; 0, or s &gt; 1 + ε_high with A &gt; 0), {@code ratio_mean} and {@code ratio_max}
 * (of s over sequences). With no masked token, ratios read 1 and the others 0.
 * {@link PolicyLossOutput#tokenClipped()} flags every masked token of a clipped sequence (the clip acts on the
 * sequence as a whole).
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
            NDArray advantage = MaskedRows.rowAdvantage(as(input.advantages(), type), mask);

            NDArray logRatio = MaskedRows.zeroPadding(logProbs.sub(as(input.oldLogProbs(), type)), mask);
            NDArray ratio = MaskedRows.mean(logRatio, mask).exp();                      // s_i, (B, 1)
            NDArray unclipped = ratio.mul(advantage);
            NDArray clipped = ratio.clip(1 - epsilonLow, 1 + epsilonHigh).mul(advantage);
            NDArray perSequence = unclipped.minimum(clipped).neg();

            NDArray kl = null;
            if (beta > 0 && input.refLogProbs() != null) {
                NDArray refMinusPolicy = MaskedRows.zeroPadding(as(input.refLogProbs(), type).sub(logProbs), mask);
                kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(Scalars.of(refMinusPolicy, 1));
                perSequence = perSequence.add(MaskedRows.mean(kl, mask).mul(Scalars.of(kl, beta)));
            }

            // divide the (B, 1) rows before summing, by a scalar in PyTorch memory (see Scalars)
            NDArray loss = perSequence.mul(active)
                    .div(Scalars.of(perSequence, Math.max(input.globalSequences(), 1L))).sum();
            NDArray detachedRatio = ratio.stopGradient();
            NDArray clippedRows = detachedRatio.lt(1 - epsilonLow).logicalAnd(advantage.lt(0))
                    .logicalOr(detachedRatio.gt(1 + epsilonHigh).logicalAnd(advantage.gt(0)))
                    .toType(type, false).mul(active);                                   // (B, 1)
            NDArray tokenClipped = clippedRows.mul(mask);                               // every token of a clipped sequence
            Map<String, Double> metrics = metrics(detachedRatio, kl == null ? null : kl.stopGradient(), clippedRows,
                    active, mask);
            NDScope.unregister(loss, tokenClipped);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, tokenClipped);
        }
    }

    private static Map<String, Double> metrics(NDArray ratio, NDArray kl, NDArray clippedRows, NDArray active,
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
        m.put("clip_frac", scalar(clippedRows.sum()) / sequences);
        m.put("ratio_mean", scalar(ratio.mul(active).sum()) / sequences);
        // s > 0, so a masked row's 0 cannot win the max over a real sequence
        m.put("ratio_max", scalar(ratio.mul(active).max()));
        return m;
    }
}
