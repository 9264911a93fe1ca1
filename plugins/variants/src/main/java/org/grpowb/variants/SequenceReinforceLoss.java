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
 * Group-relative REINFORCE on whole completions, with an optional squared log-ratio regulariser, as analysed in
 * "Group-Relative REINFORCE Is Secretly an Off-Policy Algorithm: Demystifying Some Myths About GRPO and Its Friends"
 * (Yao et al. 2025, Trinity-RFT). No importance ratio and no clipping: off-policyness is handled by the regulariser
 * (OPMD) or by the shape of the advantages (AsymRE), which is that paper's point.
 *
 * <pre>
 *   log π(y_i) = Σ_t log π(y_{i,t})                         (masked tokens only)
 *   L = −(1/N) Σ_i Σ_t A_{i,t} log π_θ(y_{i,t}) + (τ / 2N) Σ_i (log π_θ(y_i) − log π_old(y_i))²
 * </pre>
 *
 * N is {@link PolicyLossInput#globalSequences()} (the paper's 1/G averaged over the batch's groups), so micro-batch
 * losses sum to the batch loss. The estimator decides the rollout's advantage A_i (r_i − mean(r) for OPMD,
 * r_i − mean(r) − τ for AsymRE); the engine broadcasts it to the rollout's tokens, and reweighting (THR,
 * {@code top_entropy_quantile}) may make it differ per token. Each token's own A_{i,t} weighs its own log-prob, never
 * an average of the row: with A_{i,t} = A_i the first term is the paper's −(1/N) Σ_i A_i log π_θ(y_i), since
 * log π_θ(y_i) is the sum of the token log-probs. With τ = 0 this is plain REINFORCE with the estimator's
 * baseline.
 *
 * <p>The regulariser (a "check" item) is OPMD's, verified by derivation rather than against the paper's text, which
 * could not be read here: Kimi k1.5's mirror-descent loss (1/G) Σ_i (r_i − τ log Z − τ Δ_i)², with
 * Δ_i = log π_θ(y_i) − log π_old(y_i) and τ log Z approximated by mean(r), has gradient
 * −(2τ/G) Σ_i (r_i − mean(r)) ∇log π_θ(y_i) + (2τ²/G) Σ_i Δ_i ∇Δ_i, which is 2τ times the gradient of the loss
 * above. Trinity-RFT's {@code opmd} policy loss ({@code trinity/algorithm/policy_loss_fn/opmd_policy_loss.py})
 * keeps only the first part: the token mean of −A·log π, scaled by 1/(1 + τ), with no Δ term. At θ = θ_old, where
 * Δ_i = 0 and the regulariser's gradient vanishes, both are REINFORCE gradients (Trinity-RFT's weighted per token
 * rather than per sequence). Keeping the regulariser explicit makes it act when the engine takes several update
 * iterations per batch, which is when OPMD's off-policy correction matters.
 *
 * <p>Metrics over the micro-batch's kept sequences, detached: {@code seq_log_prob} (mean log π_θ(y_i)) and
 * {@code seq_log_ratio_sq} (mean (log π_θ(y_i) − log π_old(y_i))², what the regulariser pulls to 0); 0 without
 * sequences. There is no ratio and no clipping, so no {@code clip_frac}.
 *
 * @param tau τ, the regulariser's strength; 0 gives plain REINFORCE (AsymRE)
 */
public record SequenceReinforceLoss(double tau) implements PolicyLoss {

    public SequenceReinforceLoss {
        requireNonNegative("tau", tau);
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        try (NDScope scope = new NDScope()) {
            NDArray mask = as(input.mask(), type);
            NDArray active = MaskedRows.active(mask);
            NDArray advantages = MaskedRows.zeroPadding(as(input.advantages(), type), mask);

            NDArray policy = MaskedRows.zeroPadding(logProbs, mask);
            NDArray sequenceLogProb = MaskedRows.sum(policy, mask);                      // log π_θ(y_i), (B, 1)
            NDArray perSequence = MaskedRows.sum(advantages.mul(policy), mask).neg();    // −Σ_t A_{i,t} log π_θ
            NDArray logRatio = sequenceLogProb.sub(
                    MaskedRows.sum(MaskedRows.zeroPadding(as(input.oldLogProbs(), type), mask), mask));
            if (tau > 0) {
                perSequence = perSequence.add(logRatio.square().mul(OwnedArrays.scalar(logRatio, tau / 2)));
            }

            // a scalar in PyTorch memory, not a Java number: autograd keeps the divisor for backward (see OwnedArrays)
            NDArray loss = perSequence.mul(active)
                    .div(OwnedArrays.scalar(perSequence, Math.max(input.globalSequences(), 1L))).sum();
            Map<String, Double> m = new LinkedHashMap<>();
            double sequences = scalar(active.sum());
            m.put("seq_log_prob", sequences <= 0 ? 0.0 : scalar(sequenceLogProb.stopGradient().mul(active).sum()) / sequences);
            m.put("seq_log_ratio_sq", sequences <= 0 ? 0.0
                    : scalar(logRatio.stopGradient().square().mul(active).sum()) / sequences);
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, m);
        }
    }
}
