package org.grpowb.decoding;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws one token from next-token logits, in Java: for a small vocabulary (tiny-gpt's 97) pulling (B, V) logits to
 * the host each step costs less than the kernel launches a device-side sampler would, and a {@link Random} makes the
 * draw reproducible.
 *
 * <p>What is recorded refers to the tempered policy π_T(·) = softmax(logits / T) the token was drawn from (the
 * untempered one when T = 0, greedy): the trainer scores π_θ and π_ref at the same temperature, as TRL does, so the
 * ratio π_θ / π_old compares like with like. Top-p only narrows the proposal; like TRL, the recorded log-prob is not
 * renormalised over the nucleus.
 */
public final class NextTokenSampler {

    /**
     * @param logProb log π_T(token)
     * @param entropy −Σ π_T log π_T, in nats
     */
    public record Draw(int token, float logProb, float entropy) {
    }

    private final double temperature;
    private final double topP;
    private final Random random;

    /**
     * @param temperature 0 for greedy argmax
     * @param topP        nucleus mass in (0, 1] (Holtzman et al. 2020); 1 disables it
     */
    public NextTokenSampler(double temperature, double topP, Random random) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = random;
    }

    public Draw draw(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double scale = temperature == 0 ? 1 : 1 / temperature;
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp((l - max) * scale);
        }
        double logZ = Math.log(sum);
        double entropy = 0;
        for (double l : logits) {
            double logP = (l - max) * scale - logZ;
            entropy -= Math.exp(logP) * logP;
        }
        int token = temperature == 0 ? argmax(logits) : drawTempered(logits, max);
        return new Draw(token, (float) ((logits[token] - max) * scale - logZ), (float) entropy);
    }

    /** The first id of highest logit, so ties break the same way everywhere. */
    private static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** A draw from softmax(logits / T) restricted to the smallest top set holding mass ≥ top-p. */
    private int drawTempered(double[] logits, double max) {
        int v = logits.length;
        double[] weight = new double[v];
        double total = 0;
        for (int i = 0; i < v; i++) {
            weight[i] = Math.exp((logits[i] - max) / temperature);
            total += weight[i];
        }
        int[] order = new int[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        int kept = v;
        double keptMass = total;
        if (topP < 1) {
            // stable sort: equal weights keep id order, so the nucleus is the same on every machine
            Integer[] byWeight = new Integer[v];
            for (int i = 0; i < v; i++) {
                byWeight[i] = i;
            }
            Arrays.sort(byWeight, (a, b) -> Double.compare(weight[b], weight[a]));
            double mass = 0;
            for (kept = 0; kept < v && mass < topP * total; kept++) {
                order[kept] = byWeight[kept];
                mass += weight[order[kept]];
            }
            keptMass = mass;
        }
        double u = random.nextDouble() * keptMass;
        int last = order[0];
        for (int i = 0; i < kept; i++) {
            if (weight[order[i]] > 0) {
                last = order[i];
                u -= weight[last];
                if (u < 0) {
                    return last;
                }
            }
        }
        return last; // u survived only by rounding: the last token that had any weight
    }
}
