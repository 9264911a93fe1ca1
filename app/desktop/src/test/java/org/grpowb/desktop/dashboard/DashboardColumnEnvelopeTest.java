package org.grpowb.desktop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import org.junit.jupiter.api.Test;

class DashboardColumnEnvelopeTest {

    @Test
    void eachColumnSpansTheExtremesOfThePointsInIt() {
        // three points in column 10 (y 5, 1, 9), then two in column 11 (y 4, 6)
        double[] x = {10.1, 10.5, 10.9, 11.2, 11.8};
        double[] y = {5, 1, 9, 4, 6};
        ColumnEnvelope e = ColumnEnvelope.of(x, y, x.length);
        assertEquals(10, e.firstColumn());
        assertEquals(2, e.columns());
        assertEquals(1, e.top(0));
        assertEquals(9, e.bottom(0));
        // the segment from (10.9, 9) to (11.2, 4) enters column 11 at y = 9 − 5·(0.1/0.3)
        assertEquals(4, e.top(1));
        assertEquals(9 - 5 * (0.1 / 0.3), e.bottom(1), 1e-9);
    }

    @Test
    void aSteepJumpAcrossColumnsLeavesNoGap() {
        // from y 0 at x 0.5 to y 100 at x 3.5: every column in between covers its share of the rise
        double[] x = {0.5, 3.5};
        double[] y = {0, 100};
        ColumnEnvelope e = ColumnEnvelope.of(x, y, 2);
        assertEquals(4, e.columns());
        for (int k = 1; k < 4; k++) {
            assertEquals(e.bottom(k - 1), e.top(k), 1e-9, "column " + k + " starts where the last one ended");
        }
        assertEquals(0, e.top(0));
        assertEquals(100, e.bottom(3));
    }

    @Test
    void aHundredThousandPointSeriesKeepsEveryColumnsMinAndMax() {
        int n = 100_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 50 + 400.0 * i / n;
            y[i] = 100 + 40 * Math.sin(i / 300.0) + ((i * 7919) % 13 - 6);
        }
        y[43_210] = 3; // a spike up (screen y grows downwards)
        y[77_777] = 199;
        ColumnEnvelope e = ColumnEnvelope.of(x, y, n);
        assertEquals(400, e.columns());
        double[] lo = new double[400];
        double[] hi = new double[400];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            int k = (int) Math.floor(x[i]) - 50;
            lo[k] = Math.min(lo[k], y[i]);
            hi[k] = Math.max(hi[k], y[i]);
        }
        for (int k = 0; k < 400; k++) {
            assertTrue(e.top(k) <= lo[k] && e.bottom(k) >= hi[k], "column " + k);
        }
        assertEquals(3, e.top((int) Math.floor(x[43_210]) - 50));
        assertEquals(199, e.bottom((int) Math.floor(x[77_777]) - 50));
    }

    @Test
    void theOutlineOfAFlatLineIsAsThickAsTheStroke() {
        double[] x = {0, 1.5, 3, 4.5, 6};
        double[] y = {20, 20, 20, 20, 20};
        Path2D p = ColumnEnvelope.of(x, y, x.length).outline(0.6);
        Rectangle2D b = p.getBounds2D();
        assertEquals(19.4, b.getMinY(), 1e-9);
        assertEquals(20.6, b.getMaxY(), 1e-9);
        assertEquals(0, b.getMinX(), 1e-9);
        assertEquals(6, b.getMaxX(), 1e-9);
    }

    @Test
    void xGoingBackwardsIsNotAnEnvelope() {
        assertNull(ColumnEnvelope.of(new double[] {3, 2}, new double[] {0, 1}, 2));
    }

    @Test
    void theBandRunsFromTheUpperLinesTopsToTheLowerLinesBottoms() {
        double[] x = {0.2, 0.8, 1.2, 1.8};
        ColumnEnvelope upper = ColumnEnvelope.of(x, new double[] {10, 8, 12, 9}, 4);
        ColumnEnvelope lower = ColumnEnvelope.of(x, new double[] {30, 35, 31, 33}, 4);
        Rectangle2D b = ColumnEnvelope.between(upper, lower).getBounds2D();
        assertEquals(8, b.getMinY(), 1e-9);
        assertEquals(35, b.getMaxY(), 1e-9);
        assertTrue(ColumnEnvelope.between(upper, lower).contains(1.0, 20));
    }
}
