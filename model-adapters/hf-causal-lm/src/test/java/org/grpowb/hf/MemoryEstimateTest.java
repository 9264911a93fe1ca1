package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.MemoryNeeds;
import org.grpowb.hf.config.HfConfig;
import org.junit.jupiter.api.Test;

/** The memory a Qwen2.5-0.5B-shaped model needs, counted by hand from its config. */
class MemoryEstimateTest {

    /** Qwen2.5-0.5B: hidden 896, MLP 4864, 24 layers, 14/2 heads of 64, vocab 151 936, tied. */
    private static final HfConfig QWEN = new HfConfig("qwen2", 896, 4864, 24, 14, 2, 64, 1e6, null, 1e-6, 151936,
            true, true, false, false, 32768, null, List.of(151643));

    @Test
    void fullFineTuningTrainsEveryParameter() {
        MemoryNeeds n = MemoryEstimate.of(QWEN, 1024, 0, List.of());
        // the published count of Qwen2.5-0.5B: 494 032 768
        assertEquals(494_032_768L, n.parameters());
        assertEquals(n.parameters(), n.trainableParameters());
        assertEquals(false, n.referenceSharesWeights());
        // K and V caches: 24 layers · 2 · 128 · 4 bytes
        assertEquals(24L * 2 * 128 * 4, n.kvCacheBytesPerToken());
        // per layer: 4·896 + 2·(896 + 256) + 2·896 + 2·14·1024 + 2·896 + 5·4864 = 62 464 floats
        assertEquals(4L * (24 * 62_464 + 2 * 896), n.activationBytesPerToken());
    }

    @Test
    void loraCountsOnlyTheAdapters() {
        MemoryNeeds n = MemoryEstimate.of(QWEN, 1024, 16, List.of("q_proj", "v_proj"));
        // q: 16·(896 + 896), v: 16·(896 + 128), per layer, 24 layers
        long adapters = 24L * (16 * (896 + 896) + 16 * (896 + 128));
        assertEquals(adapters, n.trainableParameters());
        assertEquals(494_032_768L + adapters, n.parameters());
        assertTrue(n.referenceSharesWeights());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryEstimate.of(QWEN, 1024, 16, List.of("qkv")));
        assertTrue(e.getMessage().contains("lora_target_modules: 'qkv'"), e.getMessage());
    }
}
