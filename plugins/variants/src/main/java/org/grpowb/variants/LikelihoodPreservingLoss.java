package org.grpowb.variants;

import static org.grpowb.variants.MaskedRows.as;
import static org.grpowb.variants.MaskedRows.requireNonNegative;
import static org.grpowb.variants.MaskedRows.scalar;

import ai.djl.ndarray.NDArray;
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
 * A policy loss plus the LLDS likelihood-preserving regulariser, from "On GRPO Collapse in Search-R1: The Lazy
 * Likelihood-Displacement Death Spiral" (Deng et al. 2025). Lazy likelihood displacement is the slow fall of the
 * likelihood of good completions under GRPO; low-confidence completions then inflate the gradients until training
 * collapses. LLDS acts only where that happens, and only on the tokens that caused it:
 *
 * <pre>
 *   P_{i,t} = [A_{i,t} ≥ 0] M_{i,t}                                         preserving set
 *   g_i     = [ Σ_t P_{i,t} (log π_old(y_{i,t}) − log π_θ(y_{i,t})) &gt; 0 ]      its likelihood fell (response gate)
 *   L       = L_surrogate + λ · Σ_{i,t} g_i P_{i,t} max(0, log π_old(y_{i,t}) − log π_θ(y_{i,t})) / T_active
 * </pre>
 *
 * <p>Choices, checked against the authors' code (vengdeng/LLDS-On-Group-Relative-Policy-Optimization-Collapse-in-
 * Search-R1, {@code dp_actor.py}, its non-chunk path):
 * <ul>
 *   <li>The preserving set is the tokens with non-negative advantage, not only correct completions: A = 0 (a group
 *       whose rewards are all equal) is included, negative-advantage completions are not — their likelihood is
 *       meant to fall.</li>
 *   <li>The gate is the response-level one (R-gate): Σ_t log π_θ &lt; Σ_t log π_old over the preserving tokens. The
 *       paper's best gate is action-level (A-gate, per tool-call span of a multi-turn trajectory); a workbench
 *       completion is a single action, where the two coincide.</li>
 *   <li>Normalisation: the authors take the mean over the micro-batch's response tokens; here the sum is divided by
 *       T_active = {@link PolicyLossInput#globalActiveTokens()}, the same token mean over the whole step, so that
 *       micro-batch losses sum to the batch loss. Their activation threshold ({@code reduce_threshold}) is 0 here,
 *       as in their runs.</li>
 * </ul>
 * The gate is a step function of log π_θ: it carries no gradient; the penalty's gradient is −λ / T_active on each
 * gated token whose log-prob fell, pushing it back up. Padding is zeroed in log space first, so −∞ padding gives no
 * NaN.
 *
 * <p>Metrics: the surrogate's, plus {@code llds_penalty} (Σ g P max(0, Δ) / T_active, before λ) and
 * {@code llds_gated_frac} (share of the micro-batch's kept sequences whose gate is on; 0 without sequences). The
 * surrogate's {@link PolicyLossOutput#tokenClipped()} is passed through.
 *
 * @param surrogate the policy loss to regularise (GRPO's clipped loss for the {@code llds} variant)
 * @param lambda    λ, the regulariser's strength
 */
public record LikelihoodPreservingLoss(PolicyLoss surrogate, double lambda) implements PolicyLoss {

    public LikelihoodPreservingLoss {
        Objects.requireNonNull(surrogate, "surrogate");
        requireNonNegative("lambda", lambda);
    }

    @Override
    public PolicyLossOutput loss(PolicyLossInput input) {
        PolicyLossOutput base = surrogate.loss(input);
        NDArray logProbs = input.logProbs();
        DataType type = logProbs.getDataType();
        try (NDScope scope = new NDScope()) {
            // the surrogate's scalar is an intermediate of ours: close it with this scope, the tape keeps its own copy
            NDScope.register(base.loss());
            NDArray mask = as(input.mask(), type);
            NDArray preserving = as(input.advantages(), type).gte(0).toType(type, false).mul(mask);
            NDArray fall = MaskedRows.zeroPadding(as(input.oldLogProbs(), type).sub(logProbs), preserving);
            NDArray gate = MaskedRows.sum(fall, preserving).gt(0).toType(type, false);      // (B, 1)
            NDArray perToken = fall.maximum(OwnedArrays.scalar(fall, 0)).mul(preserving).mul(gate);
            double tokens = Math.max(input.globalActiveTokens(), 1L);

            // scale the (B, T) tensor before summing: a 0-d tensor times a Java double would turn float64
            NDArray loss = base.loss().add(perToken.mul(OwnedArrays.scalar(perToken, lambda / tokens)).sum());
            Map<String, Double> metrics = new LinkedHashMap<>(base.metrics());
            metrics.put("llds_penalty", scalar(perToken.stopGradient().sum()) / tokens);
            NDArray active = MaskedRows.active(mask);
            double sequences = scalar(active.sum());
            metrics.put("llds_gated_frac", sequences <= 0 ? 0.0 : scalar(gate.mul(active).sum()) / sequences);
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return new PolicyLossOutput(loss, metrics, base.tokenClipped());
        }
    }
}
