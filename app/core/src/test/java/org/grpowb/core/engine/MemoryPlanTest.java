package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grpowb.api.MemoryNeeds;
import org.junit.jupiter.api.Test;

/** The memory estimate adds its parts as the docs say, and a run that does not fit is refused with the knobs. */
class MemoryPlanTest {

    /** Qwen2.5-0.5B's 494 M parameters in full fine-tuning with a reference: 4 + 12 + 4 bytes per parameter. */
    @Test
    void fullFineTuningCountsWeightsGradientsAdamAndTheReference() {
        MemoryNeeds needs = new MemoryNeeds(494_032_768L, 494_032_768L, false, 600_000, 24_576, 1024);
        MemoryPlan plan = MemoryPlan.of(needs, true, 2048, 8, 1024, 24_000_000_000L, "cpu");
        assertEquals(4 * 494_032_768L, plan.weights());
        assertEquals(12 * 494_032_768L, plan.optimizer());
        assertEquals(4 * 494_032_768L, plan.reference());
        assertEquals(2048L * 600_000, plan.activations());
        assertEquals(8L * 1024 * 24_576, plan.kvCache());
        assertEquals(20 * 494_032_768L + 2048L * 600_000 + 8L * 1024 * 24_576, plan.total());
        assertTrue(plan.fits());
    }

    /** LoRA: only the adapters carry gradients and moments, and the reference is the base itself. */
    @Test
    void loraTrainsOnlyAdaptersAndSharesTheReference() {
        MemoryNeeds needs = new MemoryNeeds(1_000_000L, 10_000L, true, 0, 0, 16);
        MemoryPlan plan = MemoryPlan.of(needs, true, 100, 1, 1, Long.MAX_VALUE, "cpu");
        assertEquals(120_000L, plan.optimizer());
        assertEquals(0, plan.reference());
    }

    @Test
    void aRunThatDoesNotFitIsRefusedWithTheEstimateAndTheKnobs() {
        MemoryNeeds needs = new MemoryNeeds(1_235_814_400L, 1_235_814_400L, false, 1_000_000, 65_536, 1024);
        MemoryPlan plan = MemoryPlan.of(needs, true, 4096, 16, 1024, 16_000_000_000L, "cpu");
        assertFalse(plan.fits());
        IllegalStateException e = assertThrows(IllegalStateException.class, plan::requireFits);
        // 20 · 1.2358 GB + 4096 · 1 MB + 16 · 1024 · 65 536 B = 24.716 + 4.096 + 1.074 GB
        assertTrue(e.getMessage().contains("about 29.9 GB"), e.getMessage());
        assertTrue(e.getMessage().contains("of 16.0 GB on cpu"), e.getMessage());
        assertTrue(e.getMessage().contains("model.settings.lora_rank"), e.getMessage());
        assertTrue(e.getMessage().contains("training.micro_batch_tokens"), e.getMessage());
    }
}
