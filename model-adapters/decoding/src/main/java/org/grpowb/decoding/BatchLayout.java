package org.grpowb.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.grpowb.api.OwnedArrays;
import java.util.List;

/**
 * Rows of different lengths in one rectangle, laid out as {@code [left padding][prompt][tail][right padding]}.
 *
 * <p>Left padding makes every prompt end in the same column {@code promptWidth - 1}, so the first completion token of
 * every row is predicted from one shared column and a batch decodes in lock step. Each row counts its positions from
 * its own first real token ({@code position = column - leftPad}), so a prompt means the same thing whatever its
 * batch-mates are. The attention mask is causal and hides padding keys; a padding query may still see itself, so no
 * softmax row is all −∞ and padded rows never produce NaN (their outputs are simply ignored).
 */
public final class BatchLayout {

    /** Additive mask value: exp(−1e9 − max) is exactly 0 in float32 and float64, and −1e9 is never −∞ − (−∞) = NaN. */
    public static final double HIDDEN = -1e9;

    public final int rows;
    public final int width;
    /** Width of the prompt part: the longest prompt. */
    public final int promptWidth;
    private final int[][] ids;
    private final int[] leftPad;
    /** Real tokens of each row (prompt + tail), from column {@code leftPad}. */
    private final int[] length;

    private BatchLayout(int rows, int width, int promptWidth) {
        this.rows = rows;
        this.width = width;
        this.promptWidth = promptWidth;
        this.ids = new int[rows][width];
        this.leftPad = new int[rows];
        this.length = new int[rows];
    }

    /**
     * @param tails tokens after each prompt (completions so far), or null for prompts alone; cut at {@code width}
     * @param width columns; at least the longest prompt
     */
    public static BatchLayout of(List<int[]> prompts, List<int[]> tails, int width) {
        int promptWidth = 0;
        for (int[] p : prompts) {
            promptWidth = Math.max(promptWidth, p.length);
        }
        if (width < promptWidth) {
            throw new IllegalArgumentException("layout width " + width + " is narrower than the longest prompt " + promptWidth);
        }
        BatchLayout layout = new BatchLayout(prompts.size(), width, promptWidth);
        for (int r = 0; r < layout.rows; r++) {
            int[] prompt = prompts.get(r);
            int pad = promptWidth - prompt.length;
            int[] row = layout.ids[r];
            // padding columns keep id 0 (EOS): any valid id would do, they are masked and ignored
            System.arraycopy(prompt, 0, row, pad, prompt.length);
            int tail = 0;
            if (tails != null) {
                int[] t = tails.get(r);
                tail = Math.min(t.length, width - promptWidth);
                System.arraycopy(t, 0, row, promptWidth, tail);
            }
            layout.leftPad[r] = pad;
            layout.length[r] = prompt.length + tail;
        }
        return layout;
    }

    /** Token ids of columns {@code from..width-1}, shape (rows, width − from), int64. */
    public NDArray tokens(NDManager manager, int from) {
        int cols = width - from;
        long[] data = new long[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                data[r * cols + c] = ids[r][from + c];
            }
        }
        return OwnedArrays.owned(manager.create(data, new Shape(rows, cols)), DataType.INT64);
    }

    /** Position ids of columns {@code from..width-1}, clamped into {@code [0, context)} for padding, int64. */
    public NDArray positions(NDManager manager, int from, int context) {
        int cols = width - from;
        long[] data = new long[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                data[r * cols + c] = Math.max(0, Math.min(context - 1, from + c - leftPad[r]));
            }
        }
        return OwnedArrays.owned(manager.create(data, new Shape(rows, cols)), DataType.INT64);
    }

    /**
     * Additive attention mask for queries in columns {@code from..width-1} over all {@code width} keys, shape
     * (rows, 1, width − from, width): 0 where the query may attend, {@link #HIDDEN} elsewhere.
     */
    public NDArray mask(NDManager manager, int from, DataType dtype) {
        int cols = width - from;
        double[] data = new double[rows * cols * width];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int first = leftPad[r];
            int end = leftPad[r] + length[r];
            for (int c = 0; c < cols; c++) {
                int query = from + c;
                for (int key = 0; key < width; key++) {
                    boolean visible = key == query || (key <= query && key >= first && key < end);
                    data[k++] = visible ? 0 : HIDDEN;
                }
            }
        }
        Shape shape = new Shape(rows, 1, cols, width);
        if (dtype == DataType.FLOAT64) {
            return OwnedArrays.owned(manager.create(data, shape), DataType.FLOAT64);
        }
        float[] single = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            single[i] = (float) data[i];
        }
        return OwnedArrays.owned(manager.create(single, shape), dtype);
    }
}
