package org.grpowb.desktop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;

/**
 * Made-up but plausible training data for the frame benchmark, the same on every run (fixed seeds). Token texts are
 * BPE-like pieces (space-led words, digits, punctuation, newlines, the odd long word the inspector must cut), drawn
 * with a Zipf-like skew; per-token values have the shapes real runs show (mostly confident log-probs with a heavy
 * tail, a few clipped tokens, group-normalised advantages).
 */
final class SyntheticRun {
    private static final String[] VOCAB = buildVocab();

    private SyntheticRun() {
    }

    /** The text of a synthetic token id. */
    static final IntFunction<String> TOKEN_TEXT = id -> VOCAB[Math.floorMod(id, VOCAB.length)];

    /** Step {@code step}: one group of {@code rollouts} completions of {@code tokens} tokens each, rewards 1 or 0. */
    static StepRecord step(int step, int rollouts, int tokens) {
        Random rng = new Random(7L * step);
        double[] reward = new double[rollouts];
        double mean = 0;
        for (int r = 0; r < rollouts; r++) {
            reward[r] = rng.nextDouble() < 0.4 ? 1 : 0;
            mean += reward[r] / rollouts;
        }
        double var = 0;
        for (double x : reward) {
            var += (x - mean) * (x - mean) / rollouts;
        }
        double std = Math.sqrt(var) + 1e-4;
        List<RolloutRecord> rs = new ArrayList<>(rollouts);
        for (int r = 0; r < rollouts; r++) {
            float adv = (float) ((reward[r] - mean) / std);
            int[] ids = new int[tokens];
            float[] lp = new float[tokens];
            float[] ent = new float[tokens];
            float[] a = new float[tokens];
            float[] cur = new float[tokens];
            byte[] clip = new byte[tokens];
            float[] thr = new float[tokens];
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < tokens; t++) {
                double u = rng.nextDouble();
                ids[t] = (int) (VOCAB.length * u * u * u); // frequent pieces first, a long tail of rare ones
                text.append(VOCAB[ids[t]]);
                double surprise = Math.abs(rng.nextGaussian());
                lp[t] = (float) -(0.02 + surprise * surprise * 0.6);
                ent[t] = (float) Math.min(5, 0.05 + surprise * 0.9 + rng.nextDouble() * 0.3);
                a[t] = adv;
                cur[t] = lp[t] + (float) (rng.nextGaussian() * 0.08);
                // PPO clips where the ratio left [1 − ε, 1 + ε] in the advantage's direction (ε = 0.2)
                float logRatio = cur[t] - lp[t];
                clip[t] = (byte) ((adv > 0 && logRatio > Math.log(1.2)) || (adv < 0 && logRatio < Math.log(0.8)) ? 1 : 0);
                thr[t] = (float) (adv * ent[t] * 0.05 * rng.nextGaussian());
            }
            boolean truncated = r % 23 == 5;
            rs.add(new RolloutRecord(r, text.toString(), reward[r], Map.of("correct", reward[r]), false,
                    reward[r] > 0 ? Verdict.CORRECT : Verdict.INCORRECT, adv, !truncated, truncated,
                    new TokenTrace(ids, lp, ent, a, cur, clip, thr), rng.nextDouble() < 0.03));
        }
        StepMetrics m = metrics(step, new Random(step));
        return new StepRecord(1, m, List.of(new GroupRecord(0, "bench-" + step,
                "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                        + "How many clips did Natalia sell altogether in April and May?", "72", mean, rs)));
    }

    /** Steps {@code 1..count} of a run whose reward climbs and whose KL drifts up, as a live run reports them. */
    static List<StepMetrics> steps(int count) {
        Random rng = new Random(11);
        List<StepMetrics> out = new ArrayList<>(count);
        for (int s = 1; s <= count; s++) {
            out.add(metrics(s, rng));
        }
        return out;
    }

    /** An evaluation every {@code every} steps up to {@code count}. */
    static List<EvalRecord> evals(int count, int every) {
        Random rng = new Random(13);
        List<EvalRecord> out = new ArrayList<>();
        for (int s = every; s <= count; s += every) {
            double acc = Math.min(1, Math.max(0, progress(s) * 0.8 + rng.nextGaussian() * 0.02));
            out.add(new EvalRecord(s, acc, 200, Double.NaN, 1));
        }
        return out;
    }

    private static double progress(int step) {
        return 0.15 + 0.7 * (1 - Math.exp(-step / 20_000.0));
    }

    private static StepMetrics metrics(int s, Random rng) {
        double p = progress(s);
        double reward = clamp(p + rng.nextGaussian() * 0.05);
        double std = Math.sqrt(reward * (1 - reward));
        double loss = s % 997 == 0 ? Double.NaN : rng.nextGaussian() * 0.02; // the odd skipped update: a gap
        double kl = 0.002 * Math.log1p(s / 100.0) * (1 + 0.2 * rng.nextGaussian());
        double entropy = 1.8 - 0.9 * p + 0.05 * rng.nextGaussian();
        double clipFrac = Math.abs(0.04 + 0.01 * rng.nextGaussian());
        double zeroAdv = clamp(Math.abs(0.3 - 0.2 * p + 0.05 * rng.nextGaussian()));
        double tokensPerS = 30_000 + 1_500 * rng.nextGaussian() + (s % 5_000 == 0 ? -20_000 : 0);
        double length = 80 + 40 * p + 6 * rng.nextGaussian();
        return new StepMetrics(s, reward, std, clamp(reward + 0.02 * rng.nextGaussian()), loss, kl, entropy, clipFrac,
                zeroAdv, tokensPerS, length, 0, Double.isNaN(loss), 850, Map.of("flip_rate",
                        clamp(0.05 + 0.01 * rng.nextGaussian())));
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }

    private static String[] buildVocab() {
        String[] words = {"the", "of", "and", "to", "a", "in", "is", "that", "we", "so", "total", "number", "clips",
            "sold", "half", "many", "May", "April", "each", "then", "answer", "step", "first", "find", "which",
            "equals", "therefore", "multiply", "divide", "remaining", "altogether", "she", "her", "friends",
            "calculate", "result", "Let", "think", "check", "value", "simultaneously", "straightforwardly",
            "approximately", "subtract", "add", "per", "hours", "minutes", "dollars", "apples"};
        String[] pieces = {"\n", "\n\n", ".", ",", ":", " =", " +", " -", " *", " /", "(", ")", "$", "%", "'s",
            " 1", " 2", " 3", " 4", " 5", "12", "24", "48", "72", "100", "0", "5", "<think>", "</think>",
            "<answer>", "</answer>", "**", " ", "  ", "\t", "ing", "ed", "ly", "s", "er"};
        List<String> v = new ArrayList<>();
        for (String w : words) {
            v.add(" " + w);
        }
        for (String p : pieces) {
            v.add(p);
        }
        for (String w : words) {
            v.add(w);
        }
        return v.toArray(String[]::new);
    }
}
