package org.grpowb.core.hints;

import java.util.List;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptHistory.Visit;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Scaf-GRPO's tiered in-prompt hints (Zhang et al., "Scaf-GRPO: Scaffolded Group Relative Policy Optimization for
 * Enhancing LLM Reasoning", arXiv:2510.19807, 2025). A problem whose groups stay all-wrong gives GRPO no advantage
 * and so no gradient (the paper's "learning cliff"); a hint that lets some rollout succeed brings the signal back
 * while the reward stays the same and evaluation stays hint-free. Of the tiers (concept, strategy, first step) the
 * lowest that lets some rollout succeed is used, so the model is helped no more than it needs.
 *
 * <p>The paper escalates within one step, retrying a failed problem with ever stronger hints until one rollout
 * succeeds. A {@link HintPolicy} chooses before the group is sampled, so here the escalation runs across the
 * problem's visits instead, read from its {@link PromptHistory}.
 *
 * <p><b>Definitions.</b> A visit's <em>tier</em> is the tier its hinted rollouts had: {@code max(tier, hintedTier)}
 * (in group mode {@code tier}, in replacement mode {@code hintedTier}; so a history written in either mode reads the
 * same). Its <em>unaided correct</em> rollouts are those correct without any hint: {@code correct − (hintedCorrect ?
 * 1 : 0)} when the group's own tier was 0, else none (in group mode every rollout of a hinted group saw the hint).
 * The <em>current tier</em> {@code c} is the last visit's tier, capped at the problem's tiers {@code T} (its hints may
 * have been edited down); 0 for a prompt never visited. The <em>current tier's all-wrong streak</em> is the number of
 * most recent visits, counted back from the last one, that are all wrong ({@link Visit#allWrong}) and had the same
 * tier as the last one: it counts the visits since the tier last changed or the last success, whichever came later.
 *
 * <p><b>The rule</b>, for the group of step {@code s}, in this order:
 * <ol>
 *   <li>{@code T = 0} (the problem has no hints), or {@code s ≤ warmup_steps}: tier 0.</li>
 *   <li>Never visited: tier 0.</li>
 *   <li>The last visit had an unaided correct rollout: {@code max(c − 1, 0)} — the model solved it alone, so it is
 *       given one tier less help.</li>
 *   <li>The last visit had a correct rollout at {@code c > 0}: {@code c} — the lowest tier with which some rollout
 *       succeeds is kept; a tier that was needed is not given up.</li>
 *   <li>The all-wrong streak is at least {@code escalate_after} K: {@code min(c + 1, T)}.</li>
 *   <li>Otherwise: {@code c}.</li>
 * </ol>
 * The visits of the warm-up count: a problem that failed K times during it gets tier 1 at the first step after it.
 * In group mode a hinted group has no unaided rollout, so a tier, once raised, only comes down through
 * replacement mode or a live edit of the hints.
 *
 * <p><b>Group or replacement.</b> With {@code replace_one_rollout} false (ours) the whole group is sampled at the
 * chosen tier: {@code Choice(t, 0)}. With it true, as in the paper, the group is sampled without hint and one
 * rollout is replaced by a hinted one, {@code Choice(0, t)}: the rest of the group stays on-policy for the plain
 * prompt and keeps testing whether the model can do without.
 */
public final class ScafGrpoHints implements HintPolicy {

    public static final String NAME = "scaf_grpo";
    public static final String WARMUP_STEPS = "warmup_steps";
    public static final String ESCALATE_AFTER = "escalate_after";
    public static final String REPLACE_ONE_ROLLOUT = "replace_one_rollout";

    /**
     * The history window the engine keeps ({@link PromptHistory#recent}, 16 by default) bounds K: a streak longer
     * than the window could never be seen.
     */
    static final int MAX_ESCALATE_AFTER = 16;

    private static final List<SettingSpec> SPECS = List.of(
            // The paper exempts an opening share of training from guidance so the model first explores alone; this
            // setting counts steps (a Request carries no run length), so its default is ours: ten steps, long
            // enough for every sample project to visit most of its hard problems before any hint is given.
            SettingSpec.integer(WARMUP_STEPS, "steps 1..N are sampled without hints (the unassisted warm-up)", 10, 0,
                    Integer.MAX_VALUE),
            // Ours: one all-wrong group of G rollouts can be bad luck; two in a row at the same tier are a plateau.
            SettingSpec.integer(ESCALATE_AFTER, "consecutive all-wrong visits at a tier before the next tier", 2, 1,
                    MAX_ESCALATE_AFTER),
            // Ours: whole-group hints give G hinted tries per visit; the paper's replacement keeps the group on the
            // plain prompt and hints one rollout.
            SettingSpec.flag(REPLACE_ONE_ROLLOUT,
                    "true: sample the group without hint and replace one rollout by a hinted one (as the paper); "
                            + "false: the whole group gets the tier", false));

    private volatile Params params = Params.of(Settings.resolve(SPECS, null, NAME));

    private record Params(int warmupSteps, int escalateAfter, boolean replaceOneRollout) {
        static Params of(Settings s) {
            return new Params(s.integer(WARMUP_STEPS), s.integer(ESCALATE_AFTER), s.flag(REPLACE_ONE_ROLLOUT));
        }
    }

    public ScafGrpoHints() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Scaf-GRPO: after a warm-up, escalate a problem's hint tier while its groups stay all wrong";
    }

    @Override
    public List<SettingSpec> settings() {
        return SPECS;
    }

    @Override
    public void configure(Settings settings) {
        params = Params.of(Settings.resolve(SPECS, settings.values(), NAME));
    }

    @Override
    public Choice choose(Request request) {
        Params p = params;
        int t = tier(p, request.step(), request.tiers(), request.history());
        if (t == 0) {
            return Choice.NONE;
        }
        return p.replaceOneRollout() ? new Choice(0, t) : new Choice(t, 0);
    }

    private static int tier(Params p, int step, int tiers, PromptHistory history) {
        List<Visit> recent = history.recent();
        if (tiers == 0 || step <= p.warmupSteps() || recent.isEmpty()) {
            return 0;
        }
        Visit last = recent.get(recent.size() - 1);
        int lastTier = tierOf(last);
        int current = Math.min(lastTier, tiers);
        if (unaidedCorrect(last) > 0) {
            return Math.max(current - 1, 0);
        }
        if (!last.allWrong()) {
            return current;
        }
        int streak = 0;
        for (int i = recent.size() - 1; i >= 0 && recent.get(i).allWrong() && tierOf(recent.get(i)) == lastTier;
                i--) {
            streak++;
        }
        return streak >= p.escalateAfter() ? Math.min(current + 1, tiers) : current;
    }

    /** The tier of a visit's hinted rollouts (the whole group's, or the replacement's). */
    static int tierOf(Visit v) {
        return Math.max(v.tier(), v.hintedTier());
    }

    /** Rollouts of the visit that were correct without any hint. */
    static int unaidedCorrect(Visit v) {
        return v.tier() == 0 ? v.correct() - (v.hintedCorrect() ? 1 : 0) : 0;
    }
}
