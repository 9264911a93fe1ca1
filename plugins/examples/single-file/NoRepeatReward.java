import java.util.HashSet;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Verdict;

/**
 * A single-file reward plugin: drop this file on the workbench's window (or copy it into a project's plugins/ folder),
 * trust it, and name it in project.yaml as {@code - {name: no_repeat, weight: 0.2}}. The workbench compiles it against
 * the plugin API; no build tool needed.
 *
 * <p>Scores 1 − (repeated word pairs ÷ word pairs): 1 for a completion that never repeats a pair of consecutive words,
 * lower for one that loops, the failure mode of small policies under RL. A completion of fewer than three words
 * scores 1.
 */
public class NoRepeatReward implements RewardFunction {

    @Override
    public String name() {
        return "no_repeat";
    }

    @Override
    public String description() {
        return "1 minus the share of repeated consecutive word pairs";
    }

    @Override
    public RewardResult score(String completion, Example example) {
        String[] words = completion.strip().split("\\s+");
        if (words.length < 3) {
            return RewardResult.of(name(), 1.0, Verdict.UNVERIFIED);
        }
        Set<String> seen = new HashSet<>();
        int repeated = 0;
        for (int i = 0; i + 1 < words.length; i++) {
            if (!seen.add(words[i] + " " + words[i + 1])) {
                repeated++;
            }
        }
        return RewardResult.of(name(), 1.0 - repeated / (double) (words.length - 1), Verdict.UNVERIFIED);
    }
}
