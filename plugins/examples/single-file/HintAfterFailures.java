import java.util.List;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * A single-file hint policy plugin: drop this file on the workbench's window (or copy it into a project's plugins/
 * folder), trust it, and choose it in project.yaml as {@code hints: {policy: hint_after_failures}}, or from the
 * Steering tab's Hint policy knob while a run trains.
 *
 * <p>A problem the policy keeps failing carries no learning signal: every rollout of its group is wrong, so every
 * advantage is zero. This policy shows one more of the problem's hints after each {@code every} visits in a row whose
 * groups were all wrong, and none once a group gets one right: a plainer cousin of Scaf-GRPO's tiered hints (the
 * built-in {@code scaf_grpo} adds a warm-up and replaces a single rollout instead of hinting the whole group).
 */
public class HintAfterFailures implements HintPolicy {

    private int every = 2;

    @Override
    public String name() {
        return "hint_after_failures";
    }

    @Override
    public String description() {
        return "one more hint tier after each `every` all-wrong visits in a row";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(SettingSpec.integer("every", "all-wrong visits in a row that earn one more hint", 2, 1, 100));
    }

    @Override
    public void configure(Settings settings) {
        every = settings.integer("every");
    }

    @Override
    public Choice choose(Request request) {
        int tier = Math.min(request.tiers(), request.history().allWrongStreak() / every);
        return new Choice(tier, 0);
    }
}
