package org.grpowb.hf.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tensors of a checkpoint: the published parameter counts of Qwen2.5-0.5B, Llama-3.2-1B and SmolLM2-135M come out
 * of the names and shapes by hand, and the check names the tensor that is missing, misshapen or unexpected.
 */
class ExpectedWeightsTest {

    static final HfConfig QWEN25_05B = new HfConfig("qwen2", 896, 4864, 24, 14, 2, 64, 1e6, null, 1e-6, 151936, true,
            true, false, false, 32768, 151643, List.of(151645));
    static final HfConfig LLAMA32_1B = new HfConfig("llama", 2048, 8192, 16, 32, 8, 64, 5e5,
            new HfConfig.RopeScaling(32, 1, 4, 8192), 1e-5, 128256, true, false, false, false, 131072, 128000,
            List.of(128001));
    static final HfConfig SMOLLM2_135M = new HfConfig("llama", 576, 1536, 30, 9, 3, 64, 1e5, null, 1e-5, 49152, true,
            false, false, false, 8192, 0, List.of(0));
    /** An untied Qwen2 with one layer, small enough to list. */
    static final HfConfig SMALL_QWEN2 = new HfConfig("qwen2", 8, 12, 1, 4, 2, 2, 1e4, null, 1e-6, 10, false, true,
            false, false, 64, null, List.of());

    @Test
    void qwen25HalfBillionHas494032768Parameters() {
        // embed 151936·896 = 136 134 656; per layer: norms 2·896, q 896·896 + 896, k and v 128·896 + 128 each,
        // o 896·896, MLP 3·896·4864: 14 912 384; × 24 = 357 897 216; + final norm 896 = 494 032 768 (tied: no head)
        assertEquals(494_032_768L, ExpectedWeights.of(QWEN25_05B).parameterCount());
    }

    @Test
    void llama32OneBillionHas1235814400Parameters() {
        // embed 128256·2048 = 262 668 288; per layer: norms 4096, q and o 2048² each, k and v 512·2048 each,
        // MLP 3·2048·8192: 60 821 504; × 16 = 973 144 064; + 2048 = 1 235 814 400
        assertEquals(1_235_814_400L, ExpectedWeights.of(LLAMA32_1B).parameterCount());
    }

    @Test
    void smolLm2Has134515008Parameters() {
        // embed 49152·576 = 28 311 552; per layer: norms 1152, q and o 576² each, k and v 192·576 each,
        // MLP 3·576·1536: 3 540 096; × 30 = 106 202 880; + 576 = 134 515 008
        assertEquals(134_515_008L, ExpectedWeights.of(SMOLLM2_135M).parameterCount());
    }

    @Test
    void qwen2LayersHaveQkvBiasesAndNoOutputBias() {
        ExpectedWeights w = ExpectedWeights.of(QWEN25_05B);
        assertArrayEquals(new long[] {151936, 896}, w.shape("model.embed_tokens.weight"));
        assertArrayEquals(new long[] {896, 896}, w.shape("model.layers.0.self_attn.q_proj.weight"));
        assertArrayEquals(new long[] {896}, w.shape("model.layers.0.self_attn.q_proj.bias"));
        assertArrayEquals(new long[] {128, 896}, w.shape("model.layers.23.self_attn.k_proj.weight"));
        assertArrayEquals(new long[] {128}, w.shape("model.layers.23.self_attn.v_proj.bias"));
        assertNull(w.shape("model.layers.0.self_attn.o_proj.bias"));
        assertArrayEquals(new long[] {896, 4864}, w.shape("model.layers.5.mlp.down_proj.weight"));
        assertNull(w.shape("model.layers.24.input_layernorm.weight"));
        assertNull(w.shape("lm_head.weight"), "tied");
    }

    @Test
    void aSmallUntiedModelListsItsTensorsInForwardOrder() {
        List<String> names = ExpectedWeights.of(SMALL_QWEN2).tensors().stream().map(ExpectedWeights.Tensor::name)
                .toList();
        assertEquals(List.of("model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
                "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.q_proj.bias",
                "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.k_proj.bias",
                "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.v_proj.bias",
                "model.layers.0.self_attn.o_proj.weight", "model.layers.0.post_attention_layernorm.weight",
                "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
                "model.layers.0.mlp.down_proj.weight", "model.norm.weight", "lm_head.weight"), names);
    }

    @Test
    void explicitHeadDimShapesTheAttentionProjections() {
        // hidden 24, 4 heads of 8: q_proj [32, 24], o_proj [24, 32]
        HfConfig c = new HfConfig("llama", 24, 40, 1, 4, 2, 8, 1e4, null, 1e-5, 20, false, true, true, true, 64, null,
                List.of());
        ExpectedWeights w = ExpectedWeights.of(c);
        assertArrayEquals(new long[] {32, 24}, w.shape("model.layers.0.self_attn.q_proj.weight"));
        assertArrayEquals(new long[] {16, 24}, w.shape("model.layers.0.self_attn.v_proj.weight"));
        assertArrayEquals(new long[] {24, 32}, w.shape("model.layers.0.self_attn.o_proj.weight"));
        assertArrayEquals(new long[] {24}, w.shape("model.layers.0.self_attn.o_proj.bias"));
        assertArrayEquals(new long[] {40}, w.shape("model.layers.0.mlp.up_proj.bias"));
        assertArrayEquals(new long[] {24}, w.shape("model.layers.0.mlp.down_proj.bias"));
    }

    private static Map<String, long[]> checkpoint(HfConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        ExpectedWeights.of(c).tensors().forEach(t -> shapes.put(t.name(), t.shape()));
        return shapes;
    }

    private static HfConfigException fails(HfConfig c, Map<String, long[]> shapes) {
        return assertThrows(HfConfigException.class, () -> ExpectedWeights.of(c).verify(shapes, "model.safetensors"));
    }

    @Test
    void aMatchingCheckpointPassesAndOldRotaryBuffersAreIgnored() {
        Map<String, long[]> shapes = checkpoint(SMALL_QWEN2);
        shapes.put("model.layers.0.self_attn.rotary_emb.inv_freq", new long[] {1});
        ExpectedWeights.of(SMALL_QWEN2).verify(shapes, "model.safetensors");
    }

    @Test
    void aMissingTensorIsNamed() {
        Map<String, long[]> shapes = checkpoint(SMALL_QWEN2);
        shapes.remove("model.layers.0.self_attn.k_proj.bias");
        HfConfigException e = fails(SMALL_QWEN2, shapes);
        assertEquals("model.layers.0.self_attn.k_proj.bias", e.field());
        assertEquals("model.safetensors: tensor 'model.layers.0.self_attn.k_proj.bias': missing (expected [4])",
                e.getMessage());
    }

    @Test
    void aMisshapenTensorIsNamedWithBothShapes() {
        Map<String, long[]> shapes = checkpoint(SMALL_QWEN2);
        shapes.put("model.layers.0.mlp.down_proj.weight", new long[] {12, 8});
        HfConfigException e = fails(SMALL_QWEN2, shapes);
        assertEquals("model.safetensors: tensor 'model.layers.0.mlp.down_proj.weight': shape [12, 8], but the config"
                + " implies [8, 12]", e.getMessage());
    }

    @Test
    void anUntiedConfigNeedsTheHead() {
        Map<String, long[]> shapes = checkpoint(SMALL_QWEN2);
        shapes.remove("lm_head.weight");
        HfConfigException e = fails(SMALL_QWEN2, shapes);
        assertEquals("lm_head.weight", e.field());
        assertTrue(e.getMessage().contains("tie_word_embeddings false"), e.getMessage());
    }

    @Test
    void aTiedConfigRefusesAHead() {
        HfConfig tied = new HfConfig("qwen2", 8, 12, 1, 4, 2, 2, 1e4, null, 1e-6, 10, true, true, false, false, 64,
                null, List.of());
        Map<String, long[]> shapes = checkpoint(tied);
        shapes.put("lm_head.weight", new long[] {10, 8});
        HfConfigException e = fails(tied, shapes);
        assertEquals("lm_head.weight", e.field());
        assertTrue(e.getMessage().contains("present, but the config has tie_word_embeddings true"), e.getMessage());
    }

    @Test
    void anUnexpectedTensorIsNamed() {
        // Qwen2 has no o_proj bias; a checkpoint with one is not what the config describes
        Map<String, long[]> shapes = checkpoint(SMALL_QWEN2);
        shapes.put("model.layers.0.self_attn.o_proj.bias", new long[] {8});
        HfConfigException e = fails(SMALL_QWEN2, shapes);
        assertEquals("model.layers.0.self_attn.o_proj.bias", e.field());
        assertTrue(e.getMessage().contains("not a tensor of a qwen2 model"), e.getMessage());
    }

    @Test
    void manyProblemsAreListedUpToEightThenCounted() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        HfConfigException e = fails(SMALL_QWEN2, shapes);
        assertEquals("model.embed_tokens.weight", e.field());
        assertTrue(e.getMessage().endsWith("; and 7 more"), e.getMessage());
        assertFalse(e.getMessage().contains("lm_head"), e.getMessage());
    }
}
