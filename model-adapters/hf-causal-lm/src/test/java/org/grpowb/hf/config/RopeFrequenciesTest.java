package org.grpowb.hf.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rotary frequencies by hand: inv_freq[i] = 1 / θ^(2i/d) in transformers' float32 steps, and Llama 3's scaling with
 * each of its three branches.
 */
class RopeFrequenciesTest {

    @Test
    void thetaTenThousandOverEightDimensionsIsPowersOfTen() {
        // exponents 0, 2/8, 4/8, 6/8: 10000 to them is 1, 10, 100, 1000 exactly; the reciprocals rounded to float32
        assertArrayEquals(new float[] {1f, 0.1f, 0.01f, 0.001f}, RopeFrequencies.standard(10000, 8));
    }

    @Test
    void roundingIsTransformersTwoStepFloat32NotTheNearestFloat() {
        // θ = 10⁶, d = 8: torch computes fl32(1 / fl32(10⁶^0.25)) = 1 / 31.622776f, which is not the float nearest
        // to 10^-1.5 = 0.0316227766…; likewise 1 / 31622.777f for 10^-4.5
        float[] inv = RopeFrequencies.standard(1e6, 8);
        assertEquals(1f / 31.622776f, inv[1]);
        assertEquals(1f / 31622.777f, inv[3]);
        assertEquals(0.001f, inv[2]);
        assertNotEquals((float) Math.pow(10, -1.5), inv[1]);
        assertNotEquals((float) Math.pow(10, -4.5), inv[3]);
    }

    @Test
    void llama3KeepsShortWavelengthsDividesLongOnesAndSmoothsBetween() {
        // d = 8, θ = 10⁴: inv = 1, 0.1, 0.01, 0.001, wavelengths 2π·(1, 10, 100, 1000) = 6.3, 62.8, 628, 6283.
        // original 1024, low 1, high 4: kept below 1024/4 = 256, divided above 1024/1 = 1024, smoothed between
        HfConfig.RopeScaling scaling = new HfConfig.RopeScaling(8, 1, 4, 1024);
        float[] inv = RopeFrequencies.llama3(RopeFrequencies.standard(10000, 8), scaling);

        assertEquals(1f, inv[0]);
        assertEquals(0.1f, inv[1]);
        assertEquals(0.001f / 8, inv[3]);
        // s = (1024 / (2π·100) − 1) / (4 − 1) = 0.2099155…; inv = (1 − s)·0.01/8 + s·0.01 = 0.00308676…
        double s = (1024 / (2 * Math.PI * 100) - 1) / 3;
        double expected = (1 - s) * 0.01 / 8 + s * 0.01;
        assertEquals(0.0030867610, expected, 1e-10);
        assertEquals(expected, inv[2], expected * 1e-6);
    }

    @Test
    void llama32OneBillionScalesItsSixtyFourDimensionsInThreeBands() {
        // θ = 5·10⁵, d = 64, factor 32, low 1, high 4, original 8192 (Llama-3.2-1B's config.json):
        // 2π·θ^(i/32) < 2048 for i ≤ 14 (kept), > 8192 for i ≥ 18 (divided by 32), i = 15, 16, 17 smoothed
        HfConfig config = new HfConfig("llama", 2048, 8192, 16, 32, 8, 64, 500000,
                new HfConfig.RopeScaling(32, 1, 4, 8192), 1e-5, 128256, true, false, false, false, 131072, 128000,
                List.of(128001));
        float[] plain = RopeFrequencies.standard(500000, 64);
        float[] scaled = RopeFrequencies.of(config);
        assertEquals(32, scaled.length);
        for (int i = 0; i < 32; i++) {
            if (i <= 14) {
                assertEquals(plain[i], scaled[i], "kept " + i);
            } else if (i >= 18) {
                assertEquals(plain[i] / 32, scaled[i], "divided " + i);
            } else {
                assertTrue(scaled[i] > plain[i] / 32 && scaled[i] < plain[i], "smoothed " + i);
            }
        }
    }

    @Test
    void withoutScalingTheConfigGetsThePlainFrequenciesOfItsHeadDim() {
        HfConfig config = new HfConfig("qwen2", 896, 4864, 24, 14, 2, 64, 1e6, null, 1e-6, 151936, true, true, false,
                false, 32768, 151643, List.of(151645));
        assertArrayEquals(RopeFrequencies.standard(1e6, 64), RopeFrequencies.of(config));
    }
}
