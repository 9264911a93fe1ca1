/**
 * Token Hidden Reward: each completion token's first-order influence on the likelihood of its group's correct
 * completions, from the policy's last-layer features ({@link org.grpowb.api.PolicyModel#features}), the group's
 * dominance threshold τ, and the per-step summary. The engine reads it to reweight the advantages of dominant tokens
 * and to record how concentrated a step's influence is.
 */
package org.grpowb.core.thr;
