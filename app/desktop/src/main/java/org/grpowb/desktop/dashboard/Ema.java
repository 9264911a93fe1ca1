package org.grpowb.desktop.dashboard;

/**
 * TensorBoard's debiased exponential moving average, the smoothing its and W&amp;B's users read curves through:
 * <pre>
 *   last_n     = last_{n−1}·w + (1 − w)·x_n        (last_0 = 0)
 *   smoothed_n = last_n / (1 − w^n)
 * </pre>
 * where n counts the finite values seen so far. Starting {@code last} at 0 biases the first values towards 0 by
 * exactly the weight the missing history would have had, w^n; dividing by 1 − w^n removes that bias (Adam's bias
 * correction, Kingma &amp; Ba 2015), so the curve starts at the first value instead of rising from 0. A non-finite
 * value passes through unchanged and leaves the state alone: a gap stays a gap and neither resets nor poisons the
 * average. w = 0 returns every value exactly (last = x, divided by 1 − 0 = 1).
 *
 * <p>One instance follows one series as it grows: O(1) per value, so a live run never re-smooths its history.
 */
final class Ema {
    private final double weight;
    private double last;
    /** w^n, kept by multiplication rather than {@code Math.pow} per value; it underflows to 0 after a few thousand. */
    private double weightPower = 1;

    /** @param weight the smoothing weight w, in [0, 1) */
    Ema(double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing weight must be in [0, 1): " + weight);
        }
        this.weight = weight;
    }

    double weight() {
        return weight;
    }

    /** The smoothed value at {@code x}; {@code x} itself (and no change of state) when it is not finite. */
    double next(double x) {
        if (!Double.isFinite(x) || weight == 0) {
            return x; // at w = 0 the formula gives x too, except that it turns −0.0 into 0.0
        }
        last = last * weight + (1 - weight) * x;
        weightPower *= weight;
        return last / (1 - weightPower);
    }

    /** The smoothed series of the first {@code n} values, as {@link #next} would produce them one by one. */
    static double[] smooth(double[] values, int n, double weight) {
        Ema e = new Ema(weight);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = e.next(values[i]);
        }
        return out;
    }
}
