package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Prompt-GDRO ("Group Distributionally Robust Optimization-Driven Reinforcement Learning for LLM Reasoning", 2026):
 * uniform prompt sampling wastes steps on solved patterns, so an adversary keeps multiplicative weights over difficulty
 * groups and up-weights the groups that stay hard. After each step, every group g the step drew is updated from its
 * pass rate p_g that step (correct rollouts over rollouts, all its groups pooled):
 *
 * <pre>  w_g ← w_g · exp(η · (1 − p_g)),   then w ← w · K / Σ_g w_g  (K groups known: mean weight 1)</pre>
 *
 * A draw picks a group ∝ w_g among the groups with prompts left, then a prompt of it uniformly, without replacement.
 *
 * <p>Simplifications of ours: the groups are a metadata field ({@code group_by}, e.g. {@code level}; a prompt
 * without it is in group {@code none}) rather than the paper's online pass@k classifier, and the update is the plain
 * exponentiated one above rather than the paper's EMA-debiased bandit estimate. Normalising to mean 1 rather than
 * sum 1 lets a group first met later (a new curriculum stage) start at 1, neither favoured nor starved. Stage weights
 * are ignored. The weights are this sampler's state: {@link #saveState} keys them {@code weight/<group>}.
 */
public final class PromptGdroSampler implements PromptSampler {

    static final String NO_GROUP = "none";
    private static final String KEY = "weight/";

    private String groupBy = "level";
    private double eta = 0.1;
    private final Map<String, Double> weights = new TreeMap<>();

    @Override
    public String name() {
        return "prompt_gdro";
    }

    @Override
    public String description() {
        return "Prompt-GDRO: multiplicative weights over difficulty groups, up-weighting groups that stay hard";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(
                SettingSpec.text("group_by", "metadata field whose value is a prompt's difficulty group "
                        + "(ours: level, the field the bundled data sets carry)", "level"),
                SettingSpec.number("eta", "step size η of the multiplicative update "
                        + "(ours: 0.1, a group failing every rollout gains about 10% weight per step)", 0.1, 0.0, 10.0));
    }

    @Override
    public void configure(Settings settings) {
        String field = settings.text("group_by").trim();
        groupBy = field.isEmpty() ? "level" : field;
        eta = settings.number("eta");
    }

    /** The difficulty group of a prompt. */
    String group(Example example) {
        String v = example.fields().get(groupBy);
        return v == null ? NO_GROUP : v;
    }

    /** The current weight of a group (1 for a group never observed). */
    double weight(String group) {
        return weights.getOrDefault(group, 1.0);
    }

    @Override
    public List<Draw> draw(Round round) {
        Map<String, List<Example>> byGroup = new LinkedHashMap<>();
        for (Candidate c : Draws.open(round)) {
            byGroup.computeIfAbsent(group(c.example()), g -> new ArrayList<>()).add(c.example());
        }
        List<String> groups = new ArrayList<>(byGroup.keySet());
        Collections.sort(groups); // the draw must not depend on which group's prompt happens to come first in the data
        double[] w = new double[groups.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weight(groups.get(i));
        }
        List<Draw> out = new ArrayList<>();
        while (out.size() < round.count()) {
            List<Integer> pick = Draws.weighted(w, 1, round.random());
            if (pick.isEmpty()) {
                break;
            }
            List<Example> members = byGroup.get(groups.get(pick.get(0)));
            out.add(new Draw(members.remove(round.random().nextInt(members.size())), round.groupSize()));
            if (members.isEmpty()) {
                w[pick.get(0)] = 0;
            }
        }
        return out;
    }

    @Override
    public void observe(int step, List<GroupOutcome> groups) {
        Map<String, int[]> tally = new TreeMap<>();
        for (GroupOutcome g : groups) {
            int[] t = tally.computeIfAbsent(group(g.example()), k -> new int[2]);
            t[0] += g.correct();
            t[1] += g.rewards().length;
        }
        if (tally.isEmpty()) {
            return;
        }
        tally.forEach((g, t) -> {
            double p = t[1] == 0 ? 0 : (double) t[0] / t[1];
            weights.put(g, weight(g) * Math.exp(eta * (1 - p)));
        });
        double sum = 0;
        for (double v : weights.values()) {
            sum += v;
        }
        double scale = weights.size() / sum;
        weights.replaceAll((g, v) -> v * scale);
    }

    @Override
    public Map<String, Double> saveState() {
        Map<String, Double> out = new TreeMap<>();
        weights.forEach((g, v) -> out.put(KEY + g, v));
        return out;
    }

    @Override
    public void restoreState(Map<String, Double> state) {
        weights.clear();
        state.forEach((k, v) -> {
            if (!k.startsWith(KEY) || !(v > 0) || v.isInfinite()) {
                throw new IllegalArgumentException("prompt_gdro: bad saved weight " + k + " = " + v);
            }
            weights.put(k.substring(KEY.length()), v);
        });
    }
}
