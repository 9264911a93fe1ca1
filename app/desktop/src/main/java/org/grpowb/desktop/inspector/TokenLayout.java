package org.grpowb.desktop.inspector;

/**
 * Positions of one completion's token boxes, wrapped into lines of a given width. Each box is as wide as its piece's
 * text measured in the real font (see {@link TokenPiece}), plus padding, so pieces of any width — a CJK character,
 * an emoji, a long word — get the room they take; hit-testing walks the same boxes.
 */
final class TokenLayout {
    static final double PAD = 3;
    static final double GAP = 2;
    /** The narrowest box's text: a piece whose glyphs take no room (a lone combining mark) stays hoverable. */
    static final double MIN_TEXT = 4;

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

    /** The box of a piece whose text is {@code textWidth} wide. */
    static double boxWidth(double textWidth) {
        return 2 * PAD + Math.max(MIN_TEXT, Math.ceil(textWidth));
    }

    /**
     * @param textWidths each token's text width, measured
     * @param width      the line width to wrap at; a box wider than a line gets a line of its own
     */
    static TokenLayout of(double[] textWidths, double width, double lineHeight) {
        int n = textWidths.length;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double cx = 0;
        double cy = 0;
        for (int i = 0; i < n; i++) {
            double bw = boxWidth(textWidths[i]);
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
