package org.grpowb.core.run;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.api.Verdict;

/**
 * One sampled completion of a group with its scores.
 *
 * @param index        position in its group, 0..G-1
 * @param completion   decoded completion text (EOS dropped)
 * @param reward       weighted total reward Σ_k w_k r_k
 * @param rewards      named reward components
 * @param rewardFailed true when a reward function threw or timed out for this rollout (its components count as 0)
 * @param verdict      correctness, when a verifier could tell
 * @param advantage    the rollout's advantage A_i
 * @param kept         whether it entered the loss
 * @param truncated    whether sampling hit the token budget before EOS
 * @param trace        per-token values
 */
public record RolloutRecord(int index, String completion, double reward, Map<String, Double> rewards,
                            boolean rewardFailed, Verdict verdict, double advantage, boolean kept, boolean truncated,
                            TokenTrace trace) {
    public RolloutRecord {
        rewards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
    }
}
