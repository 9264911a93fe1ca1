package org.grpowb.desktop.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.grpowb.core.engine.RunComparison;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;

/**
 * What the comparison pane shows, computed without JavaFX: which curves a metric name means, which config settings
 * differ between runs, and the rows of the difference table. Everything here is pure, so it can run on the loader
 * thread and be tested without a window.
 */
public final class RunComparisonModel {

    /** The metrics a user can overlay, in the order the chooser lists them ({@code train --json} names). */
    public static final List<String> METRICS = List.of("reward_mean", "accuracy", "loss", "kl", "entropy",
            "clip_frac", "zero_adv_frac", "flip_rate", "tokens_per_s");

    /** Shown where a run has no value (a setting it lacks, a metric never measured). */
    public static final String MISSING = "—";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, ToDoubleFunction<StepMetrics>> METRIC_OF = Map.of(
            "reward_mean", StepMetrics::rewardMean,
            "accuracy", StepMetrics::accuracy,
            "loss", StepMetrics::loss,
            "kl", StepMetrics::kl,
            "entropy", StepMetrics::entropy,
            "clip_frac", StepMetrics::clipFrac,
            "zero_adv_frac", StepMetrics::zeroAdvFrac,
            // flip_rate is reported by the variant's loss, so only runs whose variant measures sign flips have it
            "flip_rate", m -> m.extra().getOrDefault("flip_rate", Double.NaN),
            "tokens_per_s", StepMetrics::tokensPerS);

    private RunComparisonModel() { }

    /** One run's data as loaded from the store for the comparison. */
    public record LoadedRun(RunInfo info, List<StepMetrics> metrics, RunComparison summary) {
        public LoadedRun {
            metrics = List.copyOf(metrics);
        }

        /** The chart's series label, "run N · variant". */
        public String label() {
            return "run " + info.id() + " · " + info.variant();
        }
    }

    /** Whether a difference-table row is a config setting or an end-of-run result. */
    public enum RowKind { CONFIG, RESULT }

    /**
     * One row of the difference table.
     *
     * @param kind   config setting or result
     * @param key    a dotted config path ({@code variant.settings.beta}) or a result name
     * @param values one formatted value per selected run, in selection order
     */
    public record DiffRow(RowKind kind, String key, List<String> values) {
        public DiffRow {
            values = List.copyOf(values);
        }
    }

    /** The value of {@code metric} at one step; NaN when the step did not measure it (a skipped update's loss). */
    public static double value(StepMetrics m, String metric) {
        ToDoubleFunction<StepMetrics> f = METRIC_OF.get(metric);
        if (f == null) {
            throw new IllegalArgumentException("unknown metric " + metric + "; known: " + METRICS);
        }
        return f.applyAsDouble(m);
    }

    /**
     * A config as dotted paths to leaf values. Objects are walked; arrays and scalars are leaves, an array written as
     * its JSON so that a list setting compares as one value. Malformed JSON yields one {@code config} entry holding the
     * raw text, which still compares (as a whole) against the other runs.
     */
    public static Map<String, String> flatten(String configJson) {
        Map<String, String> out = new TreeMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(configJson == null ? "" : configJson);
        } catch (Exception e) {
            out.put("config", String.valueOf(configJson));
            return out;
        }
        if (root == null || root.isMissingNode()) {
            return out;
        }
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            if (!node.fields().hasNext() && !prefix.isEmpty()) {
                out.put(prefix, "{}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix.isEmpty() ? "config" : prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /**
     * The rows of the difference table: first every config path whose value is not the same in all runs (a path one
     * run lacks counts as differing), sorted by path; then the end-of-run results of each run.
     */
    public static List<DiffRow> diffRows(List<LoadedRun> runs) {
        List<DiffRow> rows = new ArrayList<>();
        List<Map<String, String>> configs = runs.stream().map(r -> flatten(r.info().configJson())).toList();
        Set<String> keys = new TreeSet<>();
        configs.forEach(c -> keys.addAll(c.keySet()));
        for (String key : keys) {
            List<String> values = configs.stream().map(c -> c.getOrDefault(key, MISSING)).toList();
            if (values.stream().distinct().count() > 1) {
                rows.add(new DiffRow(RowKind.CONFIG, key, values));
            }
        }
        rows.add(result("eval accuracy (before)", runs, RunComparison::evalAccuracyBefore));
        rows.add(result("eval accuracy (after)", runs, RunComparison::evalAccuracyAfter));
        rows.add(result("mean flip rate", runs, RunComparison::meanFlipRate));
        rows.add(result("zero-adv fraction", runs, RunComparison::zeroAdvFrac));
        rows.add(result("mean entropy", runs, RunComparison::meanEntropy));
        rows.add(result("tokens/s", runs, RunComparison::tokensPerS));
        rows.add(result("wall seconds", runs, RunComparison::wallSeconds));
        return rows;
    }

    private static DiffRow result(String name, List<LoadedRun> runs, ToDoubleFunction<RunComparison> f) {
        return new DiffRow(RowKind.RESULT, name, runs.stream().map(r -> format(f.applyAsDouble(r.summary()))).toList());
    }

    /** A metric value for a table: three decimals below 100, whole numbers above, {@link #MISSING} for NaN. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return MISSING;
        }
        return Math.abs(v) >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", v)
                : String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
