package org.grpowb.desktop.inspector;

/**
 * Positions of one completion's token boxes, wrapped into lines of a given width. Monospaced text lets a box's
 * width follow from its character count, so laying out a row costs no font measurement.
 */
final class TokenLayout {
    static final double PAD = 3;
    static final double GAP = 2;
    /** Longer token texts are cut (with an ellipsis) so one token cannot take a whole line. */
    static final int MAX_CHARS = 14;

    final double[] x;
    final double[] y;
    final double[] w;
    final double lineHeight;
    final double width;
    final double height;

    private TokenLayout(double[] x, double[] y, double[] w, double lineHeight, double width, double height) {
        this.x = x;
        this.y = y;
        this.w = w;
        this.lineHeight = lineHeight;
        this.width = width;
        this.height = height;
    }

    static int shownChars(int chars) {
        return Math.max(1, Math.min(chars, MAX_CHARS));
    }

    static TokenLayout of(int[] chars, double width, double charWidth, double lineHeight) {
        int n = chars.length;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double cx = 0;
        double cy = 0;
        for (int i = 0; i < n; i++) {
            double bw = 2 * PAD + shownChars(chars[i]) * charWidth;
            if (cx > 0 && cx + bw > width) {
                cx = 0;
                cy += lineHeight + GAP;
            }
            x[i] = cx;
            y[i] = cy;
            w[i] = bw;
            cx += bw + GAP;
        }
        double h = n == 0 ? lineHeight : cy + lineHeight;
        return new TokenLayout(x, y, w, lineHeight, width, h);
    }

    /** The token under a point, or -1. */
    int hit(double px, double py) {
        int lo = 0;
        int hi = x.length - 1;
        // last token whose line starts at or above py, then scan back along that line
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (y[mid] <= py) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0 || py > y[found] + lineHeight) {
            return -1;
        }
        for (int i = found; i >= 0 && y[i] == y[found]; i--) {
            if (px >= x[i] && px < x[i] + w[i]) {
                return i;
            }
        }
        return -1;
    }
}
