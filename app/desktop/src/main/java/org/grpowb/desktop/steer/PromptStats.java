package org.grpowb.desktop.steer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grpowb.core.run.PromptVisit;

/**
 * How each prompt has fared over a run, from its visits (one group per visit): what a hint or curriculum decision
 * looks at. A prompt whose last groups all had zero advantage (every rollout right, or every one wrong) is teaching the
 * policy nothing, which is what Scaf-GRPO's hints and the dynamic samplers are for.
 */
public final class PromptStats {

    /** Visits shown in a row's sparkline, the newest last. */
    static final int SPARK = 12;
    /** Zero-advantage visits in a row from which a prompt counts as stuck. */
    public static final int STUCK_AFTER = 2;

    private static final String BARS = "▁▂▃▄▅▆▇█";

    private PromptStats() {
    }

    /**
     * One prompt's row.
     *
     * @param promptId   the example's id
     * @param visits     groups sampled for it
     * @param lastTier   the hint tier of its newest group
     * @param rollouts   rollouts over all its visits
     * @param correct    of them judged correct
     * @param success    each visit's success rate (correct / rollouts), in step order
     * @param zeroStreak how many of its newest visits in a row had zero advantage
     */
    public record Row(String promptId, int visits, int lastTier, int rollouts, int correct, List<Double> success,
                      int zeroStreak) {

        public Row {
            success = List.copyOf(success);
        }

        /** Correct over rollouts across all visits; NaN for a prompt without rollouts. */
        public double successRate() {
            return rollouts == 0 ? Double.NaN : (double) correct / rollouts;
        }

        /** Stuck at zero advantage: its last {@value #STUCK_AFTER} or more visits taught nothing. */
        public boolean stuck() {
            return zeroStreak >= STUCK_AFTER;
        }

        /** The success of its newest visits as a text sparkline, one bar per visit from ▁ (0) to █ (1). */
        public String sparkline() {
            StringBuilder out = new StringBuilder();
            for (double s : success.subList(Math.max(0, success.size() - SPARK), success.size())) {
                int i = Double.isNaN(s) ? 0 : (int) Math.round(s * (BARS.length() - 1));
                out.append(BARS.charAt(Math.max(0, Math.min(BARS.length() - 1, i))));
            }
            return out.toString();
        }
    }

    /** Rows by prompt id (in the order the ids first appear), each prompt's visits taken in step order. */
    public static List<Row> rows(List<PromptVisit> visits) {
        Map<String, List<PromptVisit>> byPrompt = new LinkedHashMap<>();
        for (PromptVisit v : visits) {
            byPrompt.computeIfAbsent(v.promptId(), k -> new ArrayList<>()).add(v);
        }
        List<Row> out = new ArrayList<>(byPrompt.size());
        for (Map.Entry<String, List<PromptVisit>> e : byPrompt.entrySet()) {
            List<PromptVisit> vs = new ArrayList<>(e.getValue());
            vs.sort(Comparator.comparingInt(PromptVisit::step)); // stable: groups of one step keep their order
            int rollouts = 0;
            int correct = 0;
            List<Double> success = new ArrayList<>();
            for (PromptVisit v : vs) {
                rollouts += v.rollouts();
                correct += v.correct();
                success.add(v.rollouts() == 0 ? Double.NaN : (double) v.correct() / v.rollouts());
            }
            int streak = 0;
            for (int i = vs.size() - 1; i >= 0 && vs.get(i).zeroAdvantage(); i--) {
                streak++;
            }
            out.add(new Row(e.getKey(), vs.size(), vs.get(vs.size() - 1).hintTier(), rollouts, correct, success,
                    streak));
        }
        return out;
    }

    /** Only the prompts stuck at zero advantage. */
    public static List<Row> stuck(List<Row> rows) {
        return rows.stream().filter(Row::stuck).toList();
    }
}
