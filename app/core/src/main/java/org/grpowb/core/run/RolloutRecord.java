package org.grpowb.core.run;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.api.Verdict;

/**
 * One sampled completion of a group with its scores.
 *
 * @param index          position in its group, 0..G-1
 * @param completion     decoded completion text (EOS dropped)
 * @param reward         weighted total reward Σ_k w_k r_k
 * @param rewards        named reward components
 * @param rewardFailed   true when a reward function threw or timed out for this rollout (its components count as 0)
 * @param verdict        correctness, when a verifier could tell
 * @param advantage      the rollout's advantage A_i
 * @param kept           whether it entered the loss
 * @param truncated      whether sampling hit the token budget before EOS
 * @param trace          per-token values; null when none was recorded, token ids only when thinned
 *                       ({@link TokenTrace#hasValues()})
 * @param flipped        whether the rollout's advantage sign disagrees with the reference baseline's (a sign flip)
 * @param hintTier       the hint tier this rollout was sampled with: its group's, unless it is a hinted replacement
 *                       with a tier of its own
 * @param renderedPrompt the exact text the policy saw for this rollout; null when it is its group's
 *                       ({@link GroupRecord#renderedPrompt()})
 */
public record RolloutRecord(int index, String completion, double reward, Map<String, Double> rewards,
                            boolean rewardFailed, Verdict verdict, double advantage, boolean kept, boolean truncated,
                            TokenTrace trace, boolean flipped, int hintTier, String renderedPrompt) {
    public RolloutRecord {
        rewards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
    }

    /** A rollout sampled without a hint, with its group's prompt. */
    public RolloutRecord(int index, String completion, double reward, Map<String, Double> rewards,
                         boolean rewardFailed, Verdict verdict, double advantage, boolean kept, boolean truncated,
                         TokenTrace trace, boolean flipped) {
        this(index, completion, reward, rewards, rewardFailed, verdict, advantage, kept, truncated, trace, flipped, 0,
                null);
    }

    /** A rollout without sign-flip information, sampled without a hint, with its group's prompt. */
    public RolloutRecord(int index, String completion, double reward, Map<String, Double> rewards,
                         boolean rewardFailed, Verdict verdict, double advantage, boolean kept, boolean truncated,
                         TokenTrace trace) {
        this(index, completion, reward, rewards, rewardFailed, verdict, advantage, kept, truncated, trace, false);
    }
}
