package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.SampledCompletion;
import org.junit.jupiter.api.Test;

class TopEntropyTokensTest {

    private static SampledCompletion completion(float... entropies) {
        return new SampledCompletion(new int[entropies.length], new float[entropies.length], entropies, false);
    }

    private static GroupAdvantages kept(int n) {
        boolean[] keep = new boolean[n];
        java.util.Arrays.fill(keep, true);
        return new GroupAdvantages(new double[n], keep, 0, new double[n]);
    }

    // Entropies of the batch's tokens, sorted: 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0 (ten tokens in two rollouts)
    private static final List<List<SampledCompletion>> GROUPS = List.of(List.of(
            completion(0.5f, 0.1f, 0.9f, 0.3f), completion(0.2f, 1.0f, 0.4f, 0.6f, 0.8f, 0.7f)));

    @Test
    void theThresholdIsTheOneMinusRhoQuantileWithLinearInterpolation() {
        // ρ = 0.2: the 0.8-quantile of 10 values sits at position 0.8 · 9 = 7.2 between 0.8 and 0.9: 0.82
        assertEquals(0.82, TopEntropyTokens.threshold(GROUPS, List.of(kept(2)), 0.2), 1e-6);
        // ρ = 0.5: position 4.5 between 0.5 and 0.6
        assertEquals(0.55, TopEntropyTokens.threshold(GROUPS, List.of(kept(2)), 0.5), 1e-6);
        assertEquals(Double.NEGATIVE_INFINITY, TopEntropyTokens.threshold(GROUPS, List.of(kept(2)), 1.0));
    }

    @Test
    void onlyTokensAtOrAboveTheThresholdKeepTheirAdvantage() {
        List<float[][]> advantages = List.<float[][]>of(new float[][] {{2, 2, 2, 2}, {-1, -1, -1, -1, -1, -1}});
        List<float[][]> out = TopEntropyTokens.filter(GROUPS, advantages, 0.82);
        assertArrayEquals(new float[] {0, 0, 2, 0}, out.get(0)[0], "0.9 is in the top 20%");
        assertArrayEquals(new float[] {0, -1, 0, 0, 0, 0}, out.get(0)[1], "1.0 is in the top 20%");
        assertArrayEquals(new float[] {2, 2, 2, 2}, advantages.get(0)[0], "the input is left as it is");
    }

    @Test
    void maskedRolloutsDoNotEnterTheQuantile() {
        GroupAdvantages firstOnly = new GroupAdvantages(new double[2], new boolean[] {true, false}, 0, new double[2]);
        // the first rollout alone: 0.1 0.3 0.5 0.9, ρ = 0.5: position 1.5 between 0.3 and 0.5
        assertEquals(0.4, TopEntropyTokens.threshold(GROUPS, List.of(firstOnly), 0.5), 1e-6);
    }
}
