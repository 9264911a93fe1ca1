/**
 * Token Hidden Reward: each completion token's first-order influence on the likelihood of its group's correct
 * completions, from the policy's last-layer features ({@link org.grpowb.api.PolicyModel#features}), and its per-step
 * summary. The engine reads it to reweight token advantages and to record how concentrated a step's influence is.
 */
package org.grpowb.core.thr;
