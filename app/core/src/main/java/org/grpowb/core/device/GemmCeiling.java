package org.grpowb.core.device;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The device's float32 matrix-multiply ceiling, measured rather than taken from a data sheet: the denominator of
 * {@code train_mfu}. A square product large enough to reach the BLAS's steady state (1024 on a CPU, 4096 on a GPU),
 * the best of several timed repeats after a warm-up, with PyTorch's thread settings as the run has them.
 */
public final class GemmCeiling {

    private static final int REPEATS = 5;

    private GemmCeiling() {
    }

    /** GFLOP/s of the best repeat, counting 2·n³ per product. */
    public static double measure(NDManager parent) {
        int n = parent.getDevice().isGpu() ? 4096 : 1024;
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n), DataType.FLOAT32);
            NDArray b = m.randomNormal(new Shape(n, n), DataType.FLOAT32);
            // toFloatArray of one element waits for the product (CUDA runs asynchronously)
            a.matMul(b).get(0, 0).toFloatArray();
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < REPEATS; r++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.get(0, 0).toFloatArray();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
