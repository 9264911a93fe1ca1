package org.grpowb.desktop.dashboard;

import java.util.function.DoubleFunction;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueAxisPlot;
import org.jfree.data.Range;

/**
 * A number axis whose automatic range stays readable when the data has no extent: a single point (eval accuracy
 * before the second evaluation, step 0 alone) or a flat series (clip_frac stuck at 0). JFreeChart widens such a range
 * only to its minimum auto-range size, 1e-8 by default, and labels the ticks ±4E-9; here the range comes from
 * {@code flatRange}, given the one value. Data with an extent, a zoomed axis and a fixed range are left to
 * {@link NumberAxis}.
 */
final class FlatSafeAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;

    private final transient DoubleFunction<Range> flatRange;

    /** @param flatRange the range to show for data whose every value is {@code v} */
    FlatSafeAxis(String label, DoubleFunction<Range> flatRange) {
        super(label);
        this.flatRange = flatRange;
    }

    /** Steps: one step either side of the only step, so the point sits in the middle on integer ticks. */
    static Range aroundStep(double step) {
        return new Range(step - 1, step + 1);
    }

    /**
     * Values: [0, 1] with the axis' usual 5% margins for a fraction ({@link DashboardModel#UNIT_INTERVAL}), since
     * 0.25 then reads as a quarter; otherwise v ± max(|v|/10, 0.5), wide enough for two-decimal ticks and for
     * a flat 900 tokens/s to read as 900 ± 90 rather than as noise around 900.
     */
    static Range aroundValue(double v, boolean fraction) {
        if (fraction) {
            return new Range(-0.05, 1.05);
        }
        double half = Math.max(Math.abs(v) / 10, 0.5);
        return new Range(v - half, v + half);
    }

    /**
     * True when a range is too narrow to be an extent of the data rather than rounding: zero wide, or narrower than
     * a billionth of its magnitude (a smoothed flat series may differ from its raw value in the last bits).
     */
    static boolean isFlat(Range r) {
        double width = r.getUpperBound() - r.getLowerBound();
        double magnitude = Math.max(Math.abs(r.getLowerBound()), Math.abs(r.getUpperBound()));
        return !(width > 1e-9 * magnitude);
    }

    @Override
    protected void autoAdjustRange() {
        if (getPlot() instanceof ValueAxisPlot plot && isAutoRange() && getFixedAutoRange() <= 0) {
            Range data = plot.getDataRange(this);
            if (data != null && isFlat(data)) {
                setRange(flatRange.apply(data.getCentralValue()), false, false);
                return;
            }
        }
        super.autoAdjustRange();
    }
}
