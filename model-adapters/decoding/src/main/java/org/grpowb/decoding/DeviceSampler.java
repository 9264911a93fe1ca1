package org.grpowb.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * {@link NextTokenSampler}'s draw done where the logits are: softmax, entropy, the top-p nucleus and the inverse-CDF
 * draw run on the device over all rows at once, and only three numbers per row (token, log-prob, entropy) come back to
 * the host. For a vocabulary of 150 000 (Qwen) copying a (B, V) block to the host every token would cost more than the
 * step; for tiny-gpt's 97 ids the host sampler is cheaper, so a policy chooses by vocabulary size.
 *
 * <p>The draw is the same as the host sampler's: one {@link Random#nextDouble()} per active row, in row order, only
 * when sampling (T &gt; 0); the token is the first whose cumulative probability (in id order, or by falling
 * probability within the nucleus) exceeds u times the kept mass. Probabilities are float64 on the device, so the two
 * samplers agree token for token except where two probabilities tie exactly inside a nucleus (the device's sort need not
 * keep id order there).
 */
public final class DeviceSampler {

    private final double temperature;
    private final double topP;
    private final Random random;

    /**
     * @param temperature 0 for greedy argmax
     * @param topP        nucleus mass in (0, 1]; 1 disables it
     */
    public DeviceSampler(double temperature, double topP, Random random) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = random;
    }

    /**
     * One draw per active row.
     *
     * @param logits (B, V) next-token logits over the tokenizer's ids, on the device
     * @param active which rows still decode; the others get null and consume no random number
     */
    public NextTokenSampler.Draw[] draw(NDArray logits, boolean[] active) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        NDManager m = logits.getManager();
        NDArray x = logits.toType(DataType.FLOAT64, false);
        NDArray logP = (temperature == 0 ? x : x.div(temperature)).logSoftmax(-1);
        NDArray entropy = logP.exp().mul(logP).sum(new int[] {-1}).neg();
        NDArray token;
        if (temperature == 0) {
            // the first highest logit, as the host sampler breaks ties
            token = x.argMax(-1);
        } else {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                u[r] = active[r] ? random.nextDouble() : 0;
            }
            token = inverseCdf(m, logP.exp(), m.create(u, new Shape(rows, 1)));
        }
        token = token.toType(DataType.INT64, false).reshape(rows, 1);
        NDArray chosen = logP.gather(token, -1).reshape(rows);
        long[] ids = token.toLongArray();
        double[] lp = chosen.toDoubleArray();
        double[] ent = entropy.toDoubleArray();
        NextTokenSampler.Draw[] draws = new NextTokenSampler.Draw[rows];
        for (int r = 0; r < rows; r++) {
            if (active[r]) {
                draws[r] = new NextTokenSampler.Draw(Math.toIntExact(ids[r]), (float) lp[r], (float) ent[r]);
            }
        }
        return draws;
    }

    /** (B,) the index i of the first cumulative weight above u · kept mass, within the top-p nucleus. */
    private NDArray inverseCdf(NDManager m, NDArray p, NDArray u) {
        int v = Math.toIntExact(p.getShape().get(1));
        if (topP >= 1) {
            NDArray cum = p.cumSum(-1);
            NDArray threshold = u.mul(cum.get(":, -1:"));
            // u survives only by rounding: then the last id, as the host sampler's fallback
            return cum.lte(threshold).countNonzero(-1).minimum(v - 1);
        }
        NDArray order = p.argSort(-1, false);
        NDArray sorted = p.gather(order, -1);
        NDArray cum = sorted.cumSum(-1);
        // a token is in the nucleus while the mass before it is still short of top-p
        NDArray kept = cum.sub(sorted).lt(topP).toType(DataType.FLOAT64, false);
        NDArray keptCum = sorted.mul(kept).cumSum(-1);
        NDArray keptCount = kept.sum(new int[] {-1}, true).toType(DataType.INT64, false);
        NDArray threshold = u.mul(keptCum.get(":, -1:"));
        NDArray index = keptCum.lte(threshold).countNonzero(-1).toType(DataType.INT64, false).reshape(-1, 1)
                .minimum(keptCount.sub(1));
        return order.gather(index, -1).reshape(-1);
    }
}
