package org.grpowb.desktop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.junit.jupiter.api.Test;

class DashboardModelTest {

    @Test
    void appendsEveryMetricAndSkipsMissingValues() {
        DashboardModel m = new DashboardModel();
        StepMetrics skipped = new StepMetrics(3, 0.2, 0.1, 0.5, Double.NaN, 0, 1, 0, 0, 1, 1, 0, true, 1, Map.of());
        m.append(List.of(Steps.step(1, 0.0), Steps.step(2, 1.0), skipped), List.of(new EvalRecord(0, 0.1, 50)));
        assertEquals(3, m.size(DashboardModel.REWARD_MEAN));
        assertEquals(2, m.size(DashboardModel.LOSS), "the skipped update's NaN loss is a gap");
        assertEquals(2, m.size(DashboardModel.FLIP_RATE), "step 3 reports no flip_rate");
        assertEquals(1, m.size(DashboardModel.EVAL_ACCURACY));
        assertEquals(1.1, m.y(DashboardModel.REWARD_HI, 1), 1e-12);
        assertEquals(3, m.lastStepProperty().get());
        m.clear();
        assertEquals(0, m.size(DashboardModel.REWARD_MEAN));
        assertEquals(-1, m.lastStepProperty().get());
    }

    @Test
    void decimationKeepsExtremesEndsAndOrderWithinTheCap() {
        int cap = 100;
        DashboardModel m = new DashboardModel(cap);
        double[] x = new double[cap];
        double[] y = new double[cap];
        List<StepMetrics> batch = new ArrayList<>();
        for (int s = 1; s <= 10_007; s++) {
            double r = s == 4321 ? -9 : s == 8765 ? 11 : Math.sin(s / 30.0);
            batch.add(Steps.step(s, r));
            if (batch.size() == 333) { m.append(batch, List.of()); batch.clear(); }
            if (s % 997 == 0) { // mid-stream views stay valid too
                int n = m.decimated(DashboardModel.REWARD_MEAN, x, y);
                assertTrue(n <= cap && n >= Math.min(cap / 4, m.size(DashboardModel.REWARD_MEAN)), "n=" + n);
            }
        }
        m.append(batch, List.of());
        int n = m.decimated(DashboardModel.REWARD_MEAN, x, y);
        assertTrue(n <= cap, "n=" + n);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, y[i]);
            max = Math.max(max, y[i]);
            if (i > 0) assertTrue(x[i] > x[i - 1], "steps ascend");
        }
        assertEquals(-9, min);
        assertEquals(11, max);
        assertEquals(1, x[0]);
        assertEquals(10_007, x[n - 1]);
    }

    @Test
    void csvHasOneRowPerStepAndBlanksWhereMissing() throws IOException {
        DashboardModel m = new DashboardModel();
        m.append(List.of(Steps.step(1, 0.25), Steps.step(2, 0.5)), List.of(new EvalRecord(0, 0.125, 10)));
        m.append(List.of(), List.of(new EvalRecord(2, 0.75, 10)));
        StringWriter out = new StringWriter();
        m.toCsv(out);
        String[] lines = out.toString().split("\n");
        assertEquals(String.join(",", DashboardModel.csvColumns()), lines[0]);
        assertEquals(4, lines.length);
        String[] row0 = lines[1].split(",", -1);
        assertEquals("0", row0[0]);
        assertEquals("", row0[1 + DashboardModel.METRICS.indexOf("reward_mean")]);
        assertEquals("0.125", row0[1 + DashboardModel.METRICS.indexOf("eval_accuracy")]);
        String[] row2 = lines[3].split(",", -1);
        assertEquals("2", row2[0]);
        assertEquals("0.5", row2[1 + DashboardModel.METRICS.indexOf("reward_mean")]);
        assertEquals("0.75", row2[1 + DashboardModel.METRICS.indexOf("eval_accuracy")]);
        assertEquals("0.05", row2[1 + DashboardModel.METRICS.indexOf("flip_rate")]);
    }
}
