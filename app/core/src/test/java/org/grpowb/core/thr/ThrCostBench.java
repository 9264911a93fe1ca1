package org.grpowb.core.thr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenFeatures;
import org.grpowb.tinygpt.TinyGptFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What THR adds to a step of the sample project (tiny-gpt 2×64, 4 heads, ctx 16, float32; 16 prompts × G = 8 rollouts,
 * prompts like {@code 91+27=}, completions of 2–4 characters plus EOS): the features forward over all 128 rows, THR of
 * the 16 groups, and the step summary. For comparison, the same THR by plain Java loops over the features copied to
 * the host, and one score() call for scale. Off by default; run with
 * {@code mvn -o test -Dtest=org.grpowb.core.thr.ThrCostBench -Dgrpowb.thr.bench=true}.
 */
@EnabledIfSystemProperty(named = "grpowb.thr.bench", matches = "true")
class ThrCostBench {

    private static final int GROUPS = 16;
    private static final int G = 8;

    @Test
    void costOfThrPerStep() {
        PolicyModelFactory factory = new TinyGptFactory();
        TokenCodec codec = factory.codec(Settings.empty());
        Random random = new Random(1);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        List<List<int[]>> tokens = new ArrayList<>();
        List<double[]> advantages = new ArrayList<>();
        List<boolean[]> correct = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            int a = 10 + random.nextInt(90);
            int b = 10 + random.nextInt(90);
            int[] prompt = codec.encode(a + "+" + b + "=");
            List<int[]> group = new ArrayList<>();
            boolean[] right = new boolean[G];
            double[] adv = new double[G];
            for (int i = 0; i < G; i++) {
                right[i] = random.nextInt(3) == 0;
                String answer = right[i] ? Integer.toString(a + b) : Integer.toString(random.nextInt(200));
                int[] ids = codec.encode(answer);
                int[] withEos = Arrays.copyOf(ids, ids.length + 1);
                withEos[ids.length] = codec.eosId();
                group.add(withEos);
                prompts.add(prompt);
                completions.add(withEos);
                adv[i] = right[i] ? 1 : -0.5;
            }
            tokens.add(group);
            advantages.add(adv);
            correct.add(right);
        }
        try (NDManager base = NDManager.newBaseManager();
             PolicyModel model = factory.create(base, Settings.resolve(factory.settings(),
                     Map.of("layers", 2, "width", 64, "heads", 4, "context", 16), "bench"), 1)) {
            for (int round = 0; round < 4; round++) {
                int calls = 30;
                long featuresNanos = 0;
                long thrNanos = 0;
                long loopNanos = 0;
                long scoreNanos = 0;
                for (int c = 0; c < calls; c++) {
                    try (NDManager m = base.newSubManager()) {
                        long t0 = System.nanoTime();
                        TokenFeatures f = model.features(m, prompts, completions).orElseThrow();
                        long t1 = System.nanoTime();
                        List<GroupThr> thr = TokenHiddenReward.ofStep(f, tokens, advantages, correct, 1.0);
                        ThrSummary summary = ThrSummary.of(thr.stream().map(t -> t == null ? null : t.thr()).toList());
                        long t2 = System.nanoTime();
                        List<float[][]> loops = hostLoops(f, tokens, advantages, correct);
                        long t3 = System.nanoTime();
                        model.score(m, prompts, completions);
                        scoreNanos += System.nanoTime() - t3;
                        featuresNanos += t1 - t0;
                        thrNanos += t2 - t1;
                        loopNanos += t3 - t2;
                        for (int g = 0; g < GROUPS; g++) {
                            assertEquals(loops.get(g) == null, thr.get(g) == null);
                            if (loops.get(g) != null) {
                                float expected = loops.get(g)[0][0];
                                assertEquals(expected, thr.get(g).thr()[0][0], 1e-3 * Math.max(1, Math.abs(expected)));
                            }
                        }
                        if (c == 0 && round == 3) {
                            System.out.println("THR step summary: " + summary);
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "THR per step (%d groups x %d, %d tokens): features %.2f ms, THR + summary"
                                + " %.2f ms (NDArray), THR by host loops %.2f ms; for scale, score() %.2f ms%n", GROUPS, G,
                        countTokens(tokens), featuresNanos / 1e6 / calls, thrNanos / 1e6 / calls, loopNanos / 1e6 / calls,
                        scoreNanos / 1e6 / calls);
            }
        }
    }

    private static int countTokens(List<List<int[]>> tokens) {
        return tokens.stream().flatMap(List::stream).mapToInt(y -> y.length).sum();
    }

    /**
     * The formula term by term on host copies of the features, groups in consecutive rows: the N×N kernels, K_pred over
     * V*, every correct token included; null for a group without THR.
     */
    private static List<float[][]> hostLoops(TokenFeatures f, List<List<int[]>> tokens, List<double[]> advantages,
                                             List<boolean[]> correct) {
        int t = (int) f.hidden().getShape().get(1);
        int d = (int) f.hidden().getShape().get(2);
        int v = (int) f.probs().getShape().get(2);
        float[] hidden = f.hidden().toType(DataType.FLOAT32, false).toFloatArray();
        float[] probs = f.probs().toType(DataType.FLOAT32, false).toFloatArray();
        List<float[][]> out = new ArrayList<>();
        int first = 0;
        for (int g = 0; g < tokens.size(); g++) {
            List<int[]> y = tokens.get(g);
            boolean[] right = correct.get(g);
            boolean anyRight = false;
            boolean anyWrong = false;
            for (int i = 0; i < y.size(); i++) {
                anyRight |= right[i] && y.get(i).length > 0;
                anyWrong |= !right[i];
            }
            if (!anyRight || !anyWrong) {
                out.add(null);
                first += y.size();
                continue;
            }
            int[] vStar = y.stream().flatMapToInt(Arrays::stream).distinct().toArray();
            float[][] thr = new float[y.size()][];
            for (int j = 0; j < y.size(); j++) {
                thr[j] = new float[y.get(j).length];
                for (int k = 0; k < thr[j].length; k++) {
                    int jk = (first + j) * t + k;
                    double sum = 0;
                    for (int i = 0; i < y.size(); i++) {
                        if (!right[i]) {
                            continue;
                        }
                        for (int l = 0; l < y.get(i).length; l++) {
                            int il = (first + i) * t + l;
                            int yjk = y.get(j)[k];
                            int yil = y.get(i)[l];
                            double kPred = 0;
                            for (int x : vStar) {
                                kPred += ((yjk == x ? 1 : 0) - (double) probs[jk * v + x])
                                        * ((yil == x ? 1 : 0) - (double) probs[il * v + x]);
                            }
                            double hh = 0;
                            for (int x = 0; x < d; x++) {
                                hh += (double) hidden[jk * d + x] * hidden[il * d + x];
                            }
                            sum += kPred * hh;
                        }
                    }
                    thr[j][k] = (float) (advantages.get(g)[j] * sum);
                }
            }
            out.add(thr);
            first += y.size();
        }
        return out;
    }
}
