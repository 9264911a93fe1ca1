package org.grpowb.core.thr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThrSummaryTest {

    /**
     * Ten tokens; |THR| sorted: 0 0 0 .05 .1 .2 .3 .5 1 2. The 90th percentile sits at 0.9 · 9 = 8.1 between 1 and 2,
     * so q = 1 + .1 · (2 − 1) = 1.1: only the 2 is in the top decile (share 1/10), and it carries 2 / 4.15 of the mass.
     */
    @Test
    void aKnownStep() {
        float[] values = {0.5f, -0.2f, 0f, 0f, 1.0f, -2.0f, 0.1f, 0.3f, -0.05f, 0f};
        ThrSummary s = ThrSummary.of(values);
        assertEquals(10, s.tokens());
        assertEquals(0.5 + 1.0 + 0.1 + 0.3, s.positiveMass(), 1e-6);
        assertEquals(-0.2 - 2.0 - 0.05, s.negativeMass(), 1e-6);
        assertEquals(1.1, s.topDecileThreshold(), 1e-6);
        assertEquals(0.1, s.topDecileShare(), 1e-12);
        assertEquals(2.0 / 4.15, s.topDecileMass(), 1e-6);
        // the same values split into groups and rollouts give the same summary
        List<float[][]> step = List.of(
                new float[][] {{0.5f, -0.2f}, {0f}, {0f, 1.0f, -2.0f}},
                new float[][] {{0.1f, 0.3f, -0.05f, 0f}, {}});
        assertEquals(s, ThrSummary.of(step));
        assertEquals(List.of("thr_pos_mass", "thr_neg_mass", "thr_top_decile_share", "thr_top_decile_mass"),
                List.copyOf(s.metrics().keySet()));
        assertEquals(0.1, s.metrics().get("thr_top_decile_share"), 1e-12);
    }

    /** A group without THR (null) is left out, not counted as zeros: the summary is that of the other groups. */
    @Test
    void absentGroupsAreLeftOut() {
        List<float[][]> step = new java.util.ArrayList<>();
        step.add(new float[][] {{0.5f, -0.2f}, {1.0f}});
        step.add(null);
        step.add(new float[][] {{-2.0f}});
        ThrSummary s = ThrSummary.of(step);
        assertEquals(ThrSummary.of(new float[] {0.5f, -0.2f, 1.0f, -2.0f}), s);
        assertEquals(4, s.tokens());
        List<float[][]> none = new java.util.ArrayList<>();
        none.add(null);
        assertEquals(new ThrSummary(0, 0, 0, 0, 0, 0), ThrSummary.of(none));
    }

    /** Ties at q all count; zeros never do. */
    @Test
    void tiesAndZeros() {
        ThrSummary ties = ThrSummary.of(new float[] {1, -1, 1, -1});
        assertEquals(1.0, ties.topDecileThreshold(), 0);
        assertEquals(1.0, ties.topDecileShare(), 0);
        assertEquals(1.0, ties.topDecileMass(), 0);
        assertEquals(2.0, ties.positiveMass(), 0);
        assertEquals(-2.0, ties.negativeMass(), 0);
        ThrSummary zeros = ThrSummary.of(new float[] {0, 0, 0});
        assertEquals(new ThrSummary(3, 0, 0, 0, 0, 0), zeros);
        assertEquals(new ThrSummary(0, 0, 0, 0, 0, 0), ThrSummary.of(new float[0]));
        assertEquals(new ThrSummary(0, 0, 0, 0, 0, 0), ThrSummary.of(List.of()));
        ThrSummary one = ThrSummary.of(new float[] {-0.5f});
        assertEquals(0.5, one.topDecileThreshold(), 0);
        assertEquals(1.0, one.topDecileShare(), 0);
    }

    /** Twenty distinct magnitudes 1..20: q = 18.1 (at 0.9 · 19 = 17.1), so 19 and 20 are the top decile, 10%. */
    @Test
    void aDecileOfDistinctValues() {
        float[] values = new float[20];
        for (int i = 0; i < 20; i++) {
            values[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
        }
        ThrSummary s = ThrSummary.of(values);
        assertEquals(18.1, s.topDecileThreshold(), 1e-9);
        assertEquals(0.1, s.topDecileShare(), 1e-12);
        assertEquals(39.0 / 210.0, s.topDecileMass(), 1e-12);
    }
}
