package org.grpowb.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device-side draw is the host sampler's, token for token: the same random numbers consumed in the same order,
 * the same nucleus, the same inverse-CDF rule; only the three numbers per row come back.
 */
class DeviceSamplerTest {

    private static final int ROWS = 6;
    private static final int VOCAB = 3000;

    @Test
    void drawsTheSameTokensAsTheHostSamplerAtEveryTemperatureAndTopP() {
        double[][] settings = {{0, 1}, {1, 1}, {0.7, 1}, {1, 0.9}, {0.6, 0.5}, {1.3, 0.95}};
        for (double[] s : settings) {
            Random logitsRandom = new Random(11);
            Random host = new Random(5);
            Random device = new Random(5);
            NextTokenSampler hostSampler = new NextTokenSampler(s[0], s[1], host);
            DeviceSampler deviceSampler = new DeviceSampler(s[0], s[1], device);
            try (NDManager m = NDManager.newBaseManager()) {
                for (int step = 0; step < 20; step++) {
                    double[] flat = new double[ROWS * VOCAB];
                    for (int i = 0; i < flat.length; i++) {
                        flat[i] = 3 * logitsRandom.nextGaussian();
                    }
                    boolean[] active = new boolean[ROWS];
                    for (int r = 0; r < ROWS; r++) {
                        active[r] = (r + step) % 4 != 0;
                    }
                    NextTokenSampler.Draw[] onDevice = deviceSampler.draw(
                            m.create(toFloats(flat), new Shape(ROWS, VOCAB)), active);
                    for (int r = 0; r < ROWS; r++) {
                        if (!active[r]) {
                            assertNull(onDevice[r]);
                            continue;
                        }
                        double[] row = new double[VOCAB];
                        for (int v = 0; v < VOCAB; v++) {
                            row[v] = (float) flat[r * VOCAB + v];
                        }
                        NextTokenSampler.Draw expected = hostSampler.draw(row);
                        String where = "T " + s[0] + ", top-p " + s[1] + ", step " + step + ", row " + r;
                        assertEquals(expected.token(), onDevice[r].token(), where);
                        assertEquals(expected.logProb(), onDevice[r].logProb(), 1e-5, where);
                        assertEquals(expected.entropy(), onDevice[r].entropy(), 1e-5, where);
                    }
                }
            }
            // both consumed the same random numbers
            assertEquals(host.nextLong(), device.nextLong());
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
