package org.grpowb.desktop.inspector;

import java.util.List;
import javafx.scene.paint.Color;
import javafx.scene.paint.Stop;

/**
 * Maps a signal's values to colours over [{@code min}, {@code max}].
 * Diverging scales are symmetric (min = −max) so that white always means 0; blue is positive, red negative
 * (ColorBrewer RdBu). Sequential scales run through viridis, which stays readable in grey and for colour-blind eyes.
 */
public record ColourScale(Signal.Scale kind, double min, double max) {

    /** Colour of a token whose trace lacks the signal (or whose value is not finite). */
    public static final Color MISSING = Color.web("#d9d9d9");

    private static final Color[] DIVERGING = {
        Color.web("#b2182b"), Color.web("#ef8a62"), Color.web("#f7f7f7"), Color.web("#67a9cf"), Color.web("#2166ac")};
    private static final Color[] SEQUENTIAL = {
        Color.web("#440154"), Color.web("#3b528b"), Color.web("#21918c"), Color.web("#5ec962"), Color.web("#fde725")};
    private static final Color[] BINARY = {Color.web("#f0f0f0"), Color.web("#e66101")};

    /** A scale fitted to the given values (non-finite values ignored). */
    public static ColourScale fit(Signal.Scale kind, Iterable<float[]> values) {
        double lo = 0;
        double hi = 0;
        double maxAbs = 0;
        for (float[] vs : values) {
            if (vs == null) {
                continue;
            }
            for (float v : vs) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
            }
        }
        return switch (kind) {
            case DIVERGING -> new ColourScale(kind, -maxAbs, maxAbs);
            case SEQUENTIAL -> new ColourScale(kind, lo, hi);
            case BINARY -> new ColourScale(kind, 0, 1);
        };
    }

    /**
     * Where a value lies along the legend, in [0, 1]; 0.5 is the centre (0) of a diverging scale.
     * NaN when the value is not finite.
     */
    public double position(double v) {
        if (!Double.isFinite(v)) {
            return Double.NaN;
        }
        return switch (kind) {
            case DIVERGING -> max <= 0 ? 0.5 : clamp(0.5 + 0.5 * v / max);
            case SEQUENTIAL -> max <= min ? 0.5 : clamp((v - min) / (max - min));
            case BINARY -> v != 0 ? 1 : 0;
        };
    }

    public Color colour(double v) {
        double p = position(v);
        if (Double.isNaN(p)) {
            return MISSING;
        }
        Color[] ramp = ramp();
        if (kind == Signal.Scale.BINARY) {
            return p >= 0.5 ? ramp[1] : ramp[0];
        }
        double f = p * (ramp.length - 1);
        int i = Math.min((int) f, ramp.length - 2);
        return ramp[i].interpolate(ramp[i + 1], f - i);
    }

    /** Gradient stops for a legend bar. */
    public List<Stop> stops() {
        Color[] ramp = ramp();
        if (kind == Signal.Scale.BINARY) {
            return List.of(new Stop(0, ramp[0]), new Stop(0.5, ramp[0]), new Stop(0.5, ramp[1]), new Stop(1, ramp[1]));
        }
        Stop[] s = new Stop[ramp.length];
        for (int i = 0; i < ramp.length; i++) {
            s[i] = new Stop((double) i / (ramp.length - 1), ramp[i]);
        }
        return List.of(s);
    }

    /** The value at the legend's centre: 0 for diverging scales, the midpoint otherwise. */
    public double mid() {
        return kind == Signal.Scale.DIVERGING ? 0 : (min + max) / 2;
    }

    private Color[] ramp() {
        return switch (kind) {
            case DIVERGING -> DIVERGING;
            case SEQUENTIAL -> SEQUENTIAL;
            case BINARY -> BINARY;
        };
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
