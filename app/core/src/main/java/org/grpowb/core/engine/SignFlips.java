package org.grpowb.core.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.grpowb.api.GroupAdvantages;

/**
 * Advantage sign flips (MC-GRPO's diagnosis of small groups, "MC-GRPO: Median-Centered Group Relative Policy
 * Optimization for Small-Rollout Reinforcement Learning"): rollout i is flipped when the sign of the advantage the
 * estimator actually produced, A_i, disagrees with the sign of r̃_i − b_ref, where r̃_i is the reward the estimator
 * saw (after DAPO's overlong shaping or the unlikeliness bonus) and b_ref a better estimate of the prompt's expected
 * reward under the current policy. Judging the produced advantage, not r_i − b_group, is what makes per-reward
 * normalisation (GDPO), shaping and calibration visible: they can turn an advantage's sign on their own.
 *
 * <p>Not counted: rollouts out of the loss (MC-GRPO's pivot), rollouts with A_i = 0 (they carry no sign: the rollout is
 * lost, not reversed), rollouts with r̃_i = b_ref, and prompts with no reference yet.
 *
 * <p>Two references: the prompt's running pass rate (mean r̃ over its last W visits, this visit excluded, so the
 * reference is independent of the group it judges), or probe rollouts (K extra samples, never trained on, whose mean r̃
 * serves for {@code probe_every} steps and then expires; an expired or missing probe is taken again at the prompt's
 * next visit). The state is saved with each checkpoint so a resumed run judges exactly as the uninterrupted one.
 */
public final class SignFlips {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A probe's estimate and the step it was taken at. */
    private record Probe(int step, double meanReward) {
    }

    /** Per group, which rollouts are flipped; {@code counted} rollouts had a sign on both sides. */
    public record Judgement(List<boolean[]> flipped, int counted, int flips) {
        public double rate() {
            return counted == 0 ? 0.0 : (double) flips / counted;
        }
    }

    private final int window;
    private final int probeLifetime;
    private final Map<String, Deque<Double>> recent = new HashMap<>();
    private final Map<String, Probe> probes = new HashMap<>();

    /**
     * @param window        visits averaged into the running pass rate
     * @param probeLifetime steps a probe serves before it expires ({@code probe_every})
     */
    public SignFlips(int window, int probeLifetime) {
        this.window = window;
        this.probeLifetime = probeLifetime;
    }

    /** The prompt's running mean of r̃ over its last visits, if it has been visited. */
    public OptionalDouble passRate(String promptId) {
        Deque<Double> d = recent.get(promptId);
        if (d == null || d.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(d.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    /** The prompt's probe estimate if one was taken within the last {@code probe_every} steps before {@code step}. */
    public OptionalDouble probe(String promptId, int step) {
        Probe p = probes.get(promptId);
        if (p == null || step - p.step() >= probeLifetime || step < p.step()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(p.meanReward());
    }

    /** Judges one group: see the class comment for what is counted. */
    public static boolean[] flipped(GroupAdvantages a, OptionalDouble reference, int[] counted) {
        boolean[] out = new boolean[a.advantages().length];
        if (reference.isEmpty()) {
            return out;
        }
        double ref = reference.getAsDouble();
        for (int i = 0; i < out.length; i++) {
            double produced = a.advantages()[i];
            double refSide = a.rewards()[i] - ref;
            if (!a.keep()[i] || produced == 0 || refSide == 0) {
                continue;
            }
            counted[0]++;
            out[i] = Math.signum(produced) != Math.signum(refSide);
        }
        return out;
    }

    /** Judges a step's groups against their references (NaN: none). */
    public static Judgement judge(List<GroupAdvantages> groups, double[] references) {
        List<boolean[]> out = new ArrayList<>(groups.size());
        int[] counted = new int[1];
        int flips = 0;
        for (int g = 0; g < groups.size(); g++) {
            boolean[] f = flipped(groups.get(g), Double.isNaN(references[g]) ? OptionalDouble.empty()
                    : OptionalDouble.of(references[g]), counted);
            for (boolean b : f) {
                flips += b ? 1 : 0;
            }
            out.add(f);
        }
        return new Judgement(out, counted[0], flips);
    }

    /** Records a visit: the group's mean r̃ joins the prompt's running window. */
    public void observe(String promptId, double groupMeanReward) {
        Deque<Double> d = recent.computeIfAbsent(promptId, k -> new ArrayDeque<>());
        d.addLast(groupMeanReward);
        while (d.size() > window) {
            d.removeFirst();
        }
    }

    /** Records a probe estimate of a prompt's expected r̃, taken at {@code step}. */
    public void recordProbe(String promptId, int step, double meanReward) {
        probes.put(promptId, new Probe(step, meanReward));
    }

    public void save(Path file) throws IOException {
        Map<String, Object> state = new HashMap<>();
        Map<String, List<Double>> r = new HashMap<>();
        recent.forEach((k, v) -> r.put(k, new ArrayList<>(v)));
        state.put("recent", r);
        Map<String, List<Number>> p = new HashMap<>();
        probes.forEach((k, v) -> p.put(k, List.of(v.step(), v.meanReward())));
        state.put("probes", p);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), state);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads saved state; a probe saved without its step (before probes expired) is treated as expired. */
    public void load(Path file) throws IOException {
        recent.clear();
        probes.clear();
        if (!Files.exists(file)) {
            return;
        }
        Map<String, Object> state = JSON.readValue(file.toFile(), new TypeReference<>() { });
        @SuppressWarnings("unchecked")
        Map<String, List<Number>> r = (Map<String, List<Number>>) state.getOrDefault("recent", Map.of());
        r.forEach((k, v) -> {
            Deque<Double> d = new ArrayDeque<>();
            v.forEach(x -> d.addLast(x.doubleValue()));
            recent.put(k, d);
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) state.getOrDefault("probes", Map.of());
        p.forEach((k, v) -> {
            if (v instanceof List<?> l && l.size() == 2) {
                probes.put(k, new Probe(((Number) l.get(0)).intValue(), ((Number) l.get(1)).doubleValue()));
            }
        });
    }
}
