package org.grpowb.desktop.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;

/** Hand-built steps for the inspector's tests. */
final class Steps {
    /** Token text of the test vocabulary: id 0 is a newline, 1 a space-led word, the rest "t<id>". */
    static final IntFunction<String> TEXT = id -> switch (id) {
        case 0 -> "\n";
        case 1 -> " the";
        default -> "t" + id;
    };

    private Steps() {
    }

    /**
     * Two groups of four rollouts. Group 0 (prompt "What is 2+2?", rewards 1, 0, 0, 0 with mean baseline 0.25):
     * rollout 0 is correct with A = +0.75 on every token; rollout 1 is a sign flip; rollout 2 is masked.
     * Rollout 0's three tokens carry: old log-probs −0.5, −1.0, −2.0; current −0.4, −1.1, −2.0 (ratios e^{0.1},
     * e^{−0.1}, 1); entropies 0.7, 1.2, 0.1; clipped 0, 1, 0; THR 0.12, −0.3, 0.
     * Group 1's rollouts were sampled but not trained: no current log-probs, clipping or THR.
     */
    static StepRecord small() {
        List<RolloutRecord> g0 = new ArrayList<>();
        g0.add(new RolloutRecord(0, "the 4", 1, Map.of("correct", 1.0), false, Verdict.CORRECT, 0.75, true,
                false, new TokenTrace(new int[] {1, 2, 3}, new float[] {-0.5f, -1.0f, -2.0f},
                        new float[] {0.7f, 1.2f, 0.1f}, new float[] {0.75f, 0.75f, 0.75f},
                        new float[] {-0.4f, -1.1f, -2.0f}, new byte[] {0, 1, 0}, new float[] {0.12f, -0.3f, 0f}),
                false));
        g0.add(rollout(1, "5\nno", -0.25, true, true, new int[] {5, 0, 6}));
        g0.add(rollout(2, "t7 t8", -0.25, false, false, new int[] {7, 8}));
        g0.add(rollout(3, "t9", -0.25, true, false, new int[] {9}));
        List<RolloutRecord> g1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] ids = {10 + i, 20 + i};
            g1.add(new RolloutRecord(i, "t" + ids[0] + "t" + ids[1], i == 0 ? 1 : 0, Map.of(), false,
                    Verdict.INCORRECT, i == 0 ? 0.75 : -0.25, true, false,
                    new TokenTrace(ids, new float[] {-0.1f, -3f}, new float[] {0.2f, 2.5f},
                            new float[] {(float) (i == 0 ? 0.75 : -0.25), (float) (i == 0 ? 0.75 : -0.25)})));
        }
        return new StepRecord(1, metrics(7), List.of(
                new GroupRecord(0, "p0", "What is 2+2?", "4", 0.25, g0),
                new GroupRecord(1, "p1", "What is 3+4?", "7", 0.25, g1)));
    }

    /** One group of {@code rollouts} rollouts of {@code tokens} tokens each, values varying by position. */
    static StepRecord large(int rollouts, int tokens) {
        List<RolloutRecord> rs = new ArrayList<>(rollouts);
        for (int r = 0; r < rollouts; r++) {
            int[] ids = new int[tokens];
            float[] lp = new float[tokens];
            float[] ent = new float[tokens];
            float[] adv = new float[tokens];
            float[] cur = new float[tokens];
            byte[] clip = new byte[tokens];
            float[] thr = new float[tokens];
            float a = r % 2 == 0 ? 1f : -1f;
            for (int t = 0; t < tokens; t++) {
                ids[t] = (r * 31 + t) % 500;
                lp[t] = -(t % 17) / 4f;
                ent[t] = (t % 13) / 5f;
                adv[t] = a;
                cur[t] = lp[t] + ((t % 7) - 3) / 20f;
                clip[t] = (byte) (t % 11 == 0 ? 1 : 0);
                thr[t] = ((t % 9) - 4) / 10f;
            }
            rs.add(new RolloutRecord(r, "completion " + r, r % 2, Map.of(), false, Verdict.UNVERIFIED, a,
                    r % 10 != 9, false, new TokenTrace(ids, lp, ent, adv, cur, clip, thr), r % 50 == 7));
        }
        return new StepRecord(1, metrics(42), List.of(new GroupRecord(0, "big", "A long prompt", "42", 0.5, rs)));
    }

    /**
     * One group of two rollouts of the tokens " the", "t2": rollout 0 with values (advantage +0.5 on both), rollout 1
     * thinned to its token ids.
     */
    static StepRecord withAThinTrace() {
        int[] ids = {1, 2};
        List<RolloutRecord> rs = List.of(rollout(0, "the t2", 0.5, true, false, ids),
                new RolloutRecord(1, "the t2", 0, Map.of(), false, Verdict.INCORRECT, -0.5, true, false,
                        TokenTrace.idsOnly(ids), false));
        return new StepRecord(1, metrics(3), List.of(new GroupRecord(0, "thin", "Thin", "", 0, rs)));
    }

    /** One group of one rollout of the given token ids. */
    static StepRecord ofIds(int... ids) {
        return ofRollouts(new double[] {0.5}, ids);
    }

    /** One group whose rollout {@code r} has the token ids {@code ids[r]} and the advantage {@code advantages[r]}. */
    static StepRecord ofRollouts(double[] advantages, int[]... ids) {
        List<RolloutRecord> rs = new ArrayList<>();
        for (int r = 0; r < ids.length; r++) {
            rs.add(rollout(r, "", advantages[r], true, false, ids[r]));
        }
        return new StepRecord(1, metrics(1), List.of(new GroupRecord(0, "ids", "Token ids", "", 0, rs)));
    }

    /**
     * A group of hand-made outcomes: rollout r has the verdict {@code verdicts[r]} (null: none recorded), the reward
     * {@code rewards[r]} and, when its index is listed in {@code flipped}, a sign flip. Tokens are one id each.
     */
    static GroupRecord group(int index, Verdict[] verdicts, double[] rewards, int... flipped) {
        List<RolloutRecord> rs = new ArrayList<>();
        for (int r = 0; r < verdicts.length; r++) {
            boolean flip = false;
            for (int f : flipped) {
                flip |= f == r;
            }
            rs.add(new RolloutRecord(r, "r" + r, rewards[r], Map.of(), false, verdicts[r], 0, true, false,
                    TokenTrace.idsOnly(new int[] {2 + r}), flip));
        }
        return new GroupRecord(index, "g" + index, "Prompt " + index, String.valueOf(index), 0, rs);
    }

    /** A step of the given groups. */
    static StepRecord ofGroups(int step, GroupRecord... groups) {
        return new StepRecord(step, metrics(step), List.of(groups));
    }

    private static RolloutRecord rollout(int i, String completion, double adv, boolean kept, boolean flipped,
                                         int[] ids) {
        int n = ids.length;
        float[] lp = new float[n];
        float[] ent = new float[n];
        float[] a = new float[n];
        float[] cur = new float[n];
        byte[] clip = new byte[n];
        float[] thr = new float[n];
        for (int t = 0; t < n; t++) {
            lp[t] = -0.25f * (t + 1);
            ent[t] = 0.5f;
            a[t] = (float) adv;
            cur[t] = lp[t];
            thr[t] = -0.05f;
        }
        return new RolloutRecord(i, completion, 0, Map.of(), false, Verdict.INCORRECT, adv, kept, false,
                new TokenTrace(ids, lp, ent, a, cur, clip, thr), flipped);
    }

    private static StepMetrics metrics(int step) {
        return new StepMetrics(step, 0.25, 0.43, 0.25, 0.1, 0.01, 0.6, 0.1, 0, 100, 3, 0, false, 12, Map.of());
    }
}
