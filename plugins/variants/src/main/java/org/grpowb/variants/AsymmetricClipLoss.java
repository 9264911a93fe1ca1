package org.grpowb.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;

/**
 * NGRPO's asymmetric clipping, from "NGRPO: Negative-enhanced Group Relative Policy Optimization" (Nan et al. 2025).
 * Advantage calibration ({@link CalibratedAdvantage}) pushes down every rollout of an all-wrong group; to keep that
 * exploration pressure stable, rollouts with a positive advantage may move their probability further than rollouts
 * with a negative one.
 *
 * <pre>
 *   ρ_{i,t} = exp(log π_θ − log π_old)
 *   A > 0 :  surrogate = min(ρ, 1 + ε_pos) · A          the gain is capped only above 1 + ε_pos (wider)
 *   A < 0 :  surrogate = max(ρ, 1 − ε_neg) · A          the push-down is capped below 1 − ε_neg (tighter)
 *   A = 0 :  surrogate = 0
 *   ℓ_{i,t} = −surrogate + β · KL_{i,t}                 KL the k3 estimator, as in {@link ClippedTokenLoss}
 *   L       = aggregation of ℓ over masked tokens       ({@link LossAggregation}, TRL's {@code loss_type})
 * </pre>
 *
 * <p>Checked against the authors' code (nangongrui-ngr/NGRPO, {@code train_qwen2.5-math-7b_ngrpo.sh} and
 * {@code compute_policy_loss}): the asymmetry is the PPO surrogate min(ρA, clip(ρ, 1 − ε_neg, 1 + ε_pos)A) with
 * {@code clip_ratio_low = 0.16} and {@code clip_ratio_high = 0.24}; for A > 0 only the upper bound can bind and for
 * A < 0 only the lower, so the two forms are the same function. We write it per sign, as the paper argues it, and
 * default to the script's ε_pos = 0.24, ε_neg = 0.16 and β = 0 ({@code kl_coef = 0.0}): a positive rollout's ratio
 * may grow to 1.24 (GRPO: 1.2) before its gradient stops, a negative rollout's may shrink only to 0.84 (GRPO: 0.8).
 *
 * <p>Padding is zeroed in log space before {@code exp} (ratio 1, KL 0, never NaN) and removed by the mask. Metrics on
 * detached values over masked tokens: {@code kl}, {@code clip_frac} (gradient cut: ρ > 1 + ε_pos with A > 0 or
 * ρ < 1 − ε_neg with A < 0), {@code clip_frac_pos} and {@code clip_frac_neg} (each side's share of all masked
 * tokens), {@code ratio_mean}, {@code ratio_max}; {@link PolicyLossOutput#tokenClipped()} flags the cut tokens.
 *
 * @param epsilonPos  ε_pos: a positive-advantage ratio is capped at 1 + ε_pos
 * @param epsilonNeg  ε_neg: a negative-advantage ratio is floored at 1 − ε_neg
 * @param beta        β, the KL coefficient; 0 switches the penalty off
 * @param aggregation how per-token losses are reduced to a scalar
 */
public record AsymmetricClipLoss(double epsilonPos, double epsilonNeg, double beta, LossAggregation aggregation)
        implements PolicyLoss {

    public AsymmetricClipLoss {
        requireNonNegative("epsilonPos", epsilonPos);
        requireNonNegative("epsilonNeg", epsilonNeg);
        requireNonNegative("beta", beta);
        if (epsilonNeg > 1) {
            throw new IllegalArgumentException("epsilonNeg must be <= 1 (the ratio floor 1 − ε_neg is a ratio), got "
                    + epsilonNeg);
        }
        Objects.requireNonNull(aggregation, "aggregation");
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        try (NDScope scope = new NDScope()) {
            NDArray mask = as(input.mask(), type);
            NDArray advantages = as(input.advantages(), type);
            NDArray active = mask.gt(0);
            NDArray zeros = logProbs.zerosLike();
            NDArray positive = advantages.gt(0);
            NDArray negative = advantages.lt(0);

            NDArray ratio = NDArrays.where(active, logProbs.sub(as(input.oldLogProbs(), type)), zeros).exp();
            NDArray capped = NDArrays.where(positive, ratio.minimum(1 + epsilonPos), ratio.maximum(1 - epsilonNeg));
            NDArray perToken = capped.mul(advantages).neg();

            NDArray kl = null;
            if (beta > 0 && input.refLogProbs() != null) {
                NDArray refMinusPolicy = NDArrays.where(active, as(input.refLogProbs(), type).sub(logProbs), zeros);
                kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(1);
                perToken = perToken.add(kl.mul(beta));
            }

            NDArray loss = aggregation.aggregate(perToken.mul(mask), mask, input);

            NDArray detachedRatio = ratio.stopGradient();
            NDArray clippedPos = detachedRatio.gt(1 + epsilonPos).logicalAnd(positive).toType(type, false).mul(mask);
            NDArray clippedNeg = detachedRatio.lt(1 - epsilonNeg).logicalAnd(negative).toType(type, false).mul(mask);
            NDArray tokenClipped = clippedPos.add(clippedNeg);
            Map<String, Double> metrics = metrics(detachedRatio, kl == null ? null : kl.stopGradient(), clippedPos,
                    clippedNeg, mask);
            NDScope.unregister(loss, tokenClipped);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, tokenClipped);
        }
    }

    private static Map<String, Double> metrics(NDArray ratio, NDArray kl, NDArray clippedPos, NDArray clippedNeg,
                                               NDArray mask) {
        double tokens = scalar(mask.sum());
        Map<String, Double> m = new LinkedHashMap<>();
        if (tokens <= 0) {
            m.put("kl", 0.0);
            m.put("clip_frac", 0.0);
            m.put("clip_frac_pos", 0.0);
            m.put("clip_frac_neg", 0.0);
            m.put("ratio_mean", 1.0);
            m.put("ratio_max", 1.0);
            return m;
        }
        double pos = scalar(clippedPos.sum()) / tokens;
        double neg = scalar(clippedNeg.sum()) / tokens;
        m.put("kl", kl == null ? 0.0 : scalar(kl.mul(mask).sum()) / tokens);
        m.put("clip_frac", pos + neg);
        m.put("clip_frac_pos", pos);
        m.put("clip_frac_neg", neg);
        m.put("ratio_mean", scalar(ratio.mul(mask).sum()) / tokens);
        // ρ > 0, so masking to 0 cannot win the max over a real token
        m.put("ratio_max", scalar(ratio.mul(mask).max()));
        return m;
    }

    private static NDArray as(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    private static double scalar(NDArray x) {
        return x.toType(DataType.FLOAT64, false).getDouble();
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }
}
