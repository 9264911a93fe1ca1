package org.grpowb.desktop.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.junit.jupiter.api.Test;

/** TensorBoard's debiased EMA, and how the dashboard model keeps it as steps arrive. */
class SmoothingTest {

    @Test
    void debiasedEmaOfAShortSeriesWithAGap() {
        // w = 0.5 on [1, 3, NaN, 5]:
        //   x=1:   last = 0·0.5 + 0.5·1    = 0.5,   n=1, 1 − 0.5       = 0.5   → 0.5 / 0.5     = 1
        //   x=3:   last = 0.5·0.5 + 0.5·3  = 1.75,  n=2, 1 − 0.25      = 0.75  → 1.75 / 0.75   = 7/3
        //   x=NaN: a gap, the state untouched                                → NaN
        //   x=5:   last = 1.75·0.5 + 0.5·5 = 3.375, n=3, 1 − 0.125     = 0.875 → 3.375 / 0.875 = 27/7
        double[] s = Ema.smooth(new double[] {1, 3, Double.NaN, 5}, 4, 0.5);
        assertEquals(1.0, s[0], 1e-15);
        assertEquals(7.0 / 3, s[1], 1e-15);
        assertTrue(Double.isNaN(s[2]));
        assertEquals(27.0 / 7, s[3], 1e-15);
        // without the gap the same values follow: the NaN neither reset nor poisoned the average
        assertEquals(27.0 / 7, Ema.smooth(new double[] {1, 3, 5}, 3, 0.5)[2], 1e-15);
    }

    @Test
    void weightZeroIsExactlyTheRawSeries() {
        double[] raw = {0.1, -7.25, 1e-12, 3e9, Double.NaN, 0.3333333333333333, -0.0};
        double[] s = Ema.smooth(raw, raw.length, 0);
        assertArrayEquals(raw, s); // bit for bit, NaN included
    }

    @Test
    void aWeightOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Ema(1));
        assertThrows(IllegalArgumentException.class, () -> new Ema(-0.1));
        DashboardModel m = new DashboardModel();
        assertThrows(IllegalArgumentException.class, () -> m.setSmoothing(0.995));
    }

    @Test
    void theModelSmoothsTheStoredValuesSoAMissingLossIsAGap() {
        DashboardModel m = new DashboardModel();
        m.setSmoothing(0.5);
        // the loss of step 3 is NaN (a skipped update): the stored losses are 1, 3, 5, as in the first test
        m.append(List.of(withLoss(1, 1), withLoss(2, 3), withLoss(3, Double.NaN), withLoss(4, 5)), List.of());
        assertEquals(3, m.size(DashboardModel.LOSS));
        assertEquals(1.0, m.smoothedY(DashboardModel.LOSS, 0), 1e-15);
        assertEquals(7.0 / 3, m.smoothedY(DashboardModel.LOSS, 1), 1e-15);
        assertEquals(27.0 / 7, m.smoothedY(DashboardModel.LOSS, 2), 1e-15);
        assertEquals(5, m.y(DashboardModel.LOSS, 2), "the raw value is kept");
    }

    @Test
    void incrementalSmoothingEqualsSmoothingTheWholeSeries() {
        DashboardModel m = new DashboardModel(100); // small cap: the buckets merge many times
        List<StepMetrics> all = noisy(20_000);
        m.setSmoothing(0.9);
        for (int from = 0; from < all.size(); from += 777) {
            m.append(all.subList(from, Math.min(all.size(), from + 777)), List.of());
            if (from == 7770) { // read mid-run (the smoothed values then extend point by point) ...
                m.smoothedY(DashboardModel.REWARD_MEAN, 0);
            }
        }
        assertSmoothedEqualsBatch(m, 0.9);
        // ... and a new weight mid-run: recomputed once, then extended again
        m.setSmoothing(0.3);
        assertSmoothedEqualsBatch(m, 0.3);
        m.append(noisy(25_000).subList(20_000, 25_000), List.of());
        assertSmoothedEqualsBatch(m, 0.3);
    }

    private static void assertSmoothedEqualsBatch(DashboardModel m, double w) {
        for (String metric : DashboardModel.SMOOTHED) {
            int n = m.size(metric);
            double[] raw = new double[n];
            double[] incremental = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = m.y(metric, i);
                incremental[i] = m.smoothedY(metric, i);
            }
            assertArrayEquals(Ema.smooth(raw, n, w), incremental, metric);
            // the decimated smoothed view keeps the smoothed series' own extremes and both ends
            double[] x = new double[m.displayCap()];
            double[] y = new double[m.displayCap()];
            int k = m.decimatedSmoothed(metric, x, y);
            assertTrue(k <= m.displayCap());
            double[] sorted = incremental.clone();
            Arrays.sort(sorted);
            double[] shown = Arrays.copyOf(y, k);
            Arrays.sort(shown);
            assertEquals(sorted[0], shown[0], metric);
            assertEquals(sorted[n - 1], shown[k - 1], metric);
            assertEquals(incremental[0], y[0], metric);
            assertEquals(incremental[n - 1], y[k - 1], metric);
        }
    }

    @Test
    void evalAccuracyAndTheRewardBandStayRaw() {
        DashboardModel m = new DashboardModel();
        m.setSmoothing(0.9);
        m.append(List.of(Steps.step(1, 0), Steps.step(2, 1)), List.of(new EvalRecord(0, 0.2, 10),
                new EvalRecord(2, 0.8, 10)));
        assertEquals(0.8, m.smoothedY(DashboardModel.EVAL_ACCURACY, 1));
        assertEquals(1.1, m.smoothedY(DashboardModel.REWARD_HI, 1), 1e-12);
        // reward_mean itself is smoothed: (0.9·0.1·0 + 0.1·1) / (1 − 0.81) = 0.1 / 0.19
        assertEquals(0.1 / 0.19, m.smoothedY(DashboardModel.REWARD_MEAN, 1), 1e-12);
    }

    @Test
    void csvKeepsTheRawColumnsAndAddsTheSmoothedOnes() throws IOException {
        DashboardModel m = new DashboardModel();
        m.setSmoothing(0.5);
        m.append(List.of(withLoss(1, 1), withLoss(2, 3), withLoss(3, Double.NaN), withLoss(4, 5)),
                List.of(new EvalRecord(4, 0.5, 10)));
        StringWriter out = new StringWriter();
        m.toCsv(out);
        String[] lines = out.toString().split("\n");
        List<String> header = List.of(lines[0].split(","));
        assertEquals(DashboardModel.csvColumns(), header);
        assertEquals(List.of("step"), header.subList(0, 1));
        assertEquals(DashboardModel.METRICS, header.subList(1, 1 + DashboardModel.METRICS.size()));
        assertTrue(header.contains("loss_smoothed"));
        assertTrue(!header.contains("eval_accuracy_smoothed") && !header.contains("reward_std_smoothed"));
        int raw = header.indexOf("loss");
        int smooth = header.indexOf("loss_smoothed");
        String[][] cells = new String[lines.length][];
        for (int i = 1; i < lines.length; i++) cells[i] = lines[i].split(",", -1);
        assertEquals(header.size(), cells[1].length);
        assertEquals("1.0", cells[1][raw]);
        assertEquals(1.0, Double.parseDouble(cells[1][smooth]), 1e-15);
        assertEquals(7.0 / 3, Double.parseDouble(cells[2][smooth]), 1e-15);
        assertEquals("", cells[3][raw], "step 3's loss is missing ...");
        assertEquals("", cells[3][smooth], "... and so is its smoothed value");
        assertEquals("5.0", cells[4][raw]);
        assertEquals(27.0 / 7, Double.parseDouble(cells[4][smooth]), 1e-15);
    }

    @Test
    void reSmoothingAHundredThousandStepsIsCheapEnoughForTheUiThread() {
        DashboardModel m = new DashboardModel();
        List<StepMetrics> all = noisy(100_000);
        m.append(all, List.of());
        double[] x = new double[m.displayCap()];
        double[] y = new double[m.displayCap()];
        for (String metric : DashboardModel.SMOOTHED) m.decimatedSmoothed(metric, x, y); // warm up
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            m.setSmoothing(round % 2 == 0 ? 0.95 : 0.6);
            long t0 = System.nanoTime();
            // what a slider move costs when every chart is in view: each smoothed metric recomputed, then decimated
            for (String metric : DashboardModel.SMOOTHED) m.decimatedSmoothed(metric, x, y);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("re-smoothing %d metrics of 100000 points: %.2f ms%n", DashboardModel.SMOOTHED.size(),
                best / 1e6);
        // generous: a few ms on a laptop; the bound only catches an accidental O(n²) or per-point allocation
        assertTrue(best < 250_000_000L, "took " + best / 1e6 + " ms");
    }

    private static StepMetrics withLoss(int step, double loss) {
        return new StepMetrics(step, 0.5, 0.1, 0.5, loss, 0.001, 1.5, 0.02, 0.25, 900, 40, 0, false, 120,
                Map.of("flip_rate", 0.05));
    }

    /** Steps whose every metric is noisy, with a spike, so the smoothed series' extremes are not the raw ones. */
    private static List<StepMetrics> noisy(int n) {
        List<StepMetrics> out = new ArrayList<>(n);
        java.util.Random rnd = new java.util.Random(7);
        for (int s = 1; s <= n; s++) {
            double r = Math.sin(s / 300.0) + rnd.nextGaussian() * 0.3 + (s == 4321 ? 9 : 0);
            out.add(new StepMetrics(s, r, 0.1 + rnd.nextDouble(), rnd.nextDouble(), rnd.nextGaussian(),
                    rnd.nextDouble() * 0.01, 1 + rnd.nextDouble(), rnd.nextDouble() * 0.1, rnd.nextDouble(),
                    900 + rnd.nextGaussian() * 50, 40 + rnd.nextInt(7), 0, false, 120,
                    Map.of("flip_rate", rnd.nextDouble() * 0.1)));
        }
        return out;
    }
}
