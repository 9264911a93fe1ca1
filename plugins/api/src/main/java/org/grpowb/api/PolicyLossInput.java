package org.grpowb.api;

import ai.djl.ndarray.NDArray;

/**
 * Everything a policy loss needs for one micro-batch of B completions padded to T tokens.
 *
 * @param logProbs            log π_θ(y_t | ·), shape (B, T), attached to the gradient tape
 * @param oldLogProbs         log π_old at sampling time, shape (B, T), no gradient
 * @param refLogProbs         log π_ref of the frozen reference policy, shape (B, T); null when β = 0
 * @param advantages          per-token advantages, shape (B, T) (a rollout's A_i broadcast, unless a method makes it per token)
 * @param mask                1 for completion tokens that enter the loss, 0 for padding and masked rollouts, shape (B, T)
 * @param groupSize           G, the number of rollouts per prompt (for {@code dr_grpo} aggregation)
 * @param maxCompletionLength the sampling budget L_max in tokens (for {@code dr_grpo} aggregation)
 * @param globalActiveTokens  completion tokens in the whole step's batch (for {@code dapo} aggregation across micro-batches)
 * @param globalSequences     kept sequences in the whole step's batch (for per-sequence aggregation across micro-batches)
 * @param entropies           entropy of the current policy's next-token distribution, shape (B, T), detached; may be
 *                            null (used by entropy-guided losses such as DHPO)
 */
public record PolicyLossInput(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages,
                              NDArray mask, int groupSize, int maxCompletionLength, long globalActiveTokens,
                              long globalSequences, NDArray entropies) {

    /** An input without entropies. */
    public PolicyLossInput(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages,
                           NDArray mask, int groupSize, int maxCompletionLength, long globalActiveTokens,
                           long globalSequences) {
        this(logProbs, oldLogProbs, refLogProbs, advantages, mask, groupSize, maxCompletionLength, globalActiveTokens,
                globalSequences, null);
    }
}
