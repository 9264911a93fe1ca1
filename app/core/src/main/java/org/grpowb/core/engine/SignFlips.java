package org.grpowb.core.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Detects advantage sign flips (MC-GRPO's diagnosis of small groups): rollout i is flipped when the sign of its
 * advantage against the group's own baseline disagrees with its sign against a better estimate b_ref of the prompt's
 * expected reward under the current policy: (r_i − b_group)(r_i − b_ref) &lt; 0. Rollouts with r_i = b_ref have no
 * reference sign and are not counted; a zero group advantage where the reference has a sign counts as not flipped
 * (the rollout is lost, not reversed).
 *
 * <p>Two references: the prompt's running pass rate (mean reward over its last W visits, this visit excluded, so the
 * reference is independent of the group it judges), or probe rollouts (K extra samples every N steps, never trained
 * on), which fall back to the running mean between probes. The state is saved with each checkpoint so a resumed run
 * judges exactly as the uninterrupted one.
 */
public final class SignFlips {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int window;
    private final Map<String, Deque<Double>> recent = new HashMap<>();
    private final Map<String, Double> probes = new HashMap<>();

    public SignFlips(int window) {
        this.window = window;
    }

    /** The reference baseline for a prompt: its newest probe estimate, else its running mean reward, if any. */
    public OptionalDouble reference(String promptId) {
        Double probe = probes.get(promptId);
        if (probe != null) {
            return OptionalDouble.of(probe);
        }
        Deque<Double> d = recent.get(promptId);
        if (d == null || d.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(d.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    /** Flags for one group's rollouts; {@code counted} receives how many had a reference sign. */
    public static boolean[] flipped(double[] rewards, double groupBaseline, OptionalDouble reference, int[] counted) {
        boolean[] out = new boolean[rewards.length];
        if (reference.isEmpty()) {
            return out;
        }
        double ref = reference.getAsDouble();
        for (int i = 0; i < rewards.length; i++) {
            double refSide = rewards[i] - ref;
            if (refSide == 0) {
                continue;
            }
            counted[0]++;
            out[i] = (rewards[i] - groupBaseline) * refSide < 0;
        }
        return out;
    }

    /** Records a visit: the group's mean reward joins the prompt's running window. */
    public void observe(String promptId, double groupMeanReward) {
        Deque<Double> d = recent.computeIfAbsent(promptId, k -> new ArrayDeque<>());
        d.addLast(groupMeanReward);
        while (d.size() > window) {
            d.removeFirst();
        }
    }

    /** Records a probe estimate of a prompt's expected reward. */
    public void probe(String promptId, double meanReward) {
        probes.put(promptId, meanReward);
    }

    public void save(Path file) throws IOException {
        Map<String, Object> state = new HashMap<>();
        Map<String, List<Double>> r = new HashMap<>();
        recent.forEach((k, v) -> r.put(k, new ArrayList<>(v)));
        state.put("recent", r);
        state.put("probes", probes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), state);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

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
        Map<String, Number> p = (Map<String, Number>) state.getOrDefault("probes", Map.of());
        p.forEach((k, v) -> probes.put(k, v.doubleValue()));
    }
}
