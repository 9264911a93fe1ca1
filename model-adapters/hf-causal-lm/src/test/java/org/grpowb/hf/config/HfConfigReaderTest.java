package org.grpowb.hf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.hf.reference.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading {@code config.json}: the published configs of the models the workbench targets, transformers' defaults for
 * absent keys, the three ways of giving the rotary embedding, and a refusal naming the file and field for everything
 * else.
 */
class HfConfigReaderTest {

    /** Qwen/Qwen2.5-0.5B-Instruct's config.json as published on the Hub. */
    static final String QWEN25_05B_INSTRUCT = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
             "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 21,
             "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "transformers_version": "4.43.1", "use_cache": true,
             "use_sliding_window": false, "vocab_size": 151936}
            """;

    /** meta-llama/Llama-3.2-1B's config.json as published on the Hub. */
    static final String LLAMA32_1B = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256}
            """;

    /** HuggingFaceTB/SmolLM2-135M's config.json as published on the Hub. */
    static final String SMOLLM2_135M = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "silu", "hidden_size": 576,
             "initializer_range": 0.041666666666666664, "intermediate_size": 1536, "is_llama_config": true,
             "max_position_embeddings": 8192, "mlp_bias": false, "model_type": "llama", "num_attention_heads": 9,
             "num_hidden_layers": 30, "num_key_value_heads": 3, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_interleaved": false, "rope_scaling": null, "rope_theta": 100000, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "transformers_version": "4.42.3", "use_cache": true, "vocab_size": 49152}
            """;

    /** mistralai/Mistral-7B-Instruct-v0.3's config.json (no sliding window since v0.2). */
    static final String MISTRAL_7B_V03 = """
            {"architectures": ["MistralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1,
             "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
             "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
             "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
             "rope_theta": 1000000.0, "sliding_window": null, "tie_word_embeddings": false,
             "torch_dtype": "bfloat16", "transformers_version": "4.42.0.dev0", "use_cache": true,
             "vocab_size": 32768}
            """;

    /** A minimal config of {@code family} with {@code extra} fields (JSON members, no braces) added. */
    static String minimal(String modelType, String extra) {
        return "{\"model_type\": \"" + modelType + "\", \"hidden_size\": 64, \"intermediate_size\": 128,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 100"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static HfConfig parse(String json) {
        return HfConfigReader.parse(json, "config.json");
    }

    static HfConfigException refused(String json) {
        return assertThrows(HfConfigException.class, () -> parse(json));
    }

    @Test
    void qwen25HalfBillionInstruct() {
        HfConfig c = parse(QWEN25_05B_INSTRUCT);
        assertEquals(new HfConfig("qwen2", 896, 4864, 24, 14, 2, 64, 1e6, null, 1e-6, 151936, true, true, false,
                false, 32768, 151643, List.of(151645)), c);
    }

    @Test
    void llama32OneBillion() {
        HfConfig c = parse(LLAMA32_1B);
        assertEquals(new HfConfig("llama", 2048, 8192, 16, 32, 8, 64, 5e5, new HfConfig.RopeScaling(32, 1, 4, 8192),
                1e-5, 128256, true, false, false, false, 131072, 128000, List.of(128001)), c);
    }

    @Test
    void smolLm2() {
        HfConfig c = parse(SMOLLM2_135M);
        assertEquals(new HfConfig("llama", 576, 1536, 30, 9, 3, 64, 1e5, null, 1e-5, 49152, true, false, false,
                false, 8192, 0, List.of(0)), c);
    }

    @Test
    void mistral7bV03WithoutSlidingWindow() {
        HfConfig c = parse(MISTRAL_7B_V03);
        assertEquals(new HfConfig("mistral", 4096, 14336, 32, 32, 8, 128, 1e6, null, 1e-5, 32768, false, false, false,
                false, 32768, 1, List.of(2)), c);
    }

    @Test
    void theTinyModelsConfigJsonsReadAsTheirConfigs() {
        for (TinyModels.TinyModel m : TinyModels.all()) {
            assertEquals(m.config(), parse(TinyModels.configJson(m.name())), m.name());
        }
    }

    @Test
    void readsTheFileOfAModelFolder(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("config.json"), SMOLLM2_135M);
        assertEquals(parse(SMOLLM2_135M), HfConfigReader.read(folder));
    }

    @Test
    void aFolderWithoutConfigJsonIsRefusedNamingTheFile(@TempDir Path folder) {
        HfConfigException e = assertThrows(HfConfigException.class, () -> HfConfigReader.read(folder));
        assertEquals(folder.resolve("config.json").toString(), e.file());
        assertTrue(e.getMessage().startsWith(folder.resolve("config.json") + ": no such file"), e.getMessage());
    }

    @Test
    void notJsonIsRefusedNamingTheFile() {
        HfConfigException e = refused("{\"model_type\": \"llama\",");
        assertNull(e.field());
        assertTrue(e.getMessage().startsWith("config.json: not valid JSON"), e.getMessage());
        assertTrue(refused("[1, 2]").getMessage().startsWith("config.json: not a JSON object"));
    }

    // ---- transformers' defaults for absent keys

    @Test
    void tieWordEmbeddingsDefaultsToFalseInAllThreeFamilies() {
        // LlamaConfig, Qwen2Config and MistralConfig declare tie_word_embeddings = False (PretrainedConfig says True)
        assertFalse(parse(minimal("llama", "")).tieWordEmbeddings());
        assertFalse(parse(minimal("qwen2", "\"num_key_value_heads\": 4")).tieWordEmbeddings());
        assertFalse(parse(minimal("mistral", "\"num_key_value_heads\": 4, \"sliding_window\": null"))
                .tieWordEmbeddings());
    }

    @Test
    void absentKeyValueHeadsFollowEachFamilysDefault() {
        // LlamaConfig: the attention heads; Qwen2Config: 32; MistralConfig: 8; an explicit null: the heads
        assertEquals(4, parse(minimal("llama", "")).kvHeads());
        HfConfigException qwen = refused(minimal("qwen2", ""));
        assertEquals("config.json: field 'num_key_value_heads': 32 does not divide num_attention_heads 4",
                qwen.getMessage());
        assertEquals(4, parse(minimal("qwen2", "\"num_key_value_heads\": null")).kvHeads());
        HfConfigException mistral = refused(minimal("mistral", "\"sliding_window\": null"));
        assertEquals("num_key_value_heads", mistral.field());
        assertTrue(mistral.getMessage().contains("8 does not divide"), mistral.getMessage());
    }

    @Test
    void otherDefaults() {
        HfConfig llama = parse(minimal("llama", ""));
        assertEquals(16, llama.headDim());
        assertEquals(10000.0, llama.ropeTheta());
        assertNull(llama.ropeScaling());
        assertEquals(1e-6, llama.rmsNormEps());
        assertEquals(2048, llama.maxPositionEmbeddings());
        assertEquals(1, llama.bosTokenId());
        assertEquals(List.of(2), llama.eosTokenIds());
        assertFalse(llama.qkvBias() || llama.outputBias() || llama.mlpBias());
        HfConfig qwen = parse(minimal("qwen2", "\"num_key_value_heads\": 2"));
        assertEquals(32768, qwen.maxPositionEmbeddings());
        assertNull(qwen.bosTokenId());
        assertEquals(List.of(), qwen.eosTokenIds());
    }

    // ---- families and biases

    @Test
    void architecturesStandInForAMissingModelType() {
        String json = minimal("x", "").replace("\"model_type\": \"x\", ", "\"architectures\": [\"LlamaForCausalLM\"], ");
        assertEquals("llama", parse(json).modelType());
    }

    @Test
    void otherModelTypesAreRefusedByName() {
        HfConfigException e = refused(minimal("qwen3", ""));
        assertEquals("model_type", e.field());
        assertEquals("config.json: field 'model_type': 'qwen3' is not supported (llama, qwen2 or mistral)",
                e.getMessage());
        String noType = minimal("x", "").replace("\"model_type\": \"x\", ", "\"architectures\": [\"GPT2LMHeadModel\"], ");
        assertEquals("model_type", refused(noType).field());
        assertEquals("architectures", refused(minimal("qwen2", "\"architectures\": [\"LlamaForCausalLM\"]")).field());
    }

    @Test
    void qwen2AlwaysHasQkvBiasesAndNeverAnOutputBias() {
        HfConfig c = parse(minimal("qwen2", "\"num_key_value_heads\": 2, \"attention_bias\": false"));
        assertTrue(c.qkvBias());
        assertFalse(c.outputBias());
        assertFalse(c.mlpBias());
    }

    @Test
    void llamaAttentionBiasCoversAllFourProjectionsAndMlpBiasTheMlp() {
        HfConfig c = parse(minimal("llama", "\"attention_bias\": true, \"mlp_bias\": true"));
        assertTrue(c.qkvBias());
        assertTrue(c.outputBias());
        assertTrue(c.mlpBias());
    }

    @Test
    void mistralBuildsNoBiasWhateverTheConfigSays() {
        // MistralAttention and MistralMLP pass bias=False to every nn.Linear (modular_mistral.py)
        HfConfig c = parse(minimal("mistral", "\"num_key_value_heads\": 4, \"sliding_window\": null,"
                + " \"attention_bias\": true, \"mlp_bias\": true"));
        assertFalse(c.qkvBias() || c.outputBias() || c.mlpBias());
    }

    // ---- sizes

    @Test
    void keyValueHeadsMustDivideTheHeads() {
        String json = QWEN25_05B_INSTRUCT.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 5");
        HfConfigException e = refused(json);
        assertEquals("config.json", e.file());
        assertEquals("num_key_value_heads", e.field());
        assertEquals("config.json: field 'num_key_value_heads': 5 does not divide num_attention_heads 14",
                e.getMessage());
    }

    @Test
    void sizesMustBePositiveIntegers() {
        assertEquals("config.json: field 'hidden_size': 0 must be positive",
                refused(minimal("llama", "").replace("\"hidden_size\": 64", "\"hidden_size\": 0")).getMessage());
        assertEquals("config.json: field 'num_hidden_layers': expected an integer, got 2.5",
                refused(minimal("llama", "").replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2.5"))
                        .getMessage());
        assertEquals("config.json: field 'vocab_size': missing",
                refused(minimal("llama", "").replace(", \"vocab_size\": 100", "")).getMessage());
        assertEquals("rms_norm_eps", refused(minimal("llama", "\"rms_norm_eps\": -1e-6")).field());
    }

    @Test
    void hiddenMustSplitIntoHeadsUnlessHeadDimIsGiven() {
        String odd = minimal("llama", "").replace("\"hidden_size\": 64", "\"hidden_size\": 66");
        HfConfigException e = refused(odd);
        assertEquals("hidden_size", e.field());
        assertTrue(e.getMessage().contains("66 is not a multiple of num_attention_heads 4"), e.getMessage());
        // Mistral-Nemo style: 4 heads of 32 on a hidden size of 66
        HfConfig c = parse(odd.replace("\"vocab_size\"", "\"head_dim\": 32, \"vocab_size\""));
        assertEquals(32, c.headDim());
        assertEquals(66, c.hiddenSize());
    }

    @Test
    void onlySiluAndWholeHeadRotaryAreComputed() {
        assertEquals("hidden_act", refused(minimal("llama", "\"hidden_act\": \"gelu\"")).field());
        assertEquals("partial_rotary_factor", refused(minimal("llama", "\"partial_rotary_factor\": 0.5")).field());
    }

    @Test
    void eosTokenIdIsANumberAListOrNull() {
        assertEquals(List.of(7), parse(minimal("llama", "\"eos_token_id\": 7")).eosTokenIds());
        assertEquals(List.of(7, 9), parse(minimal("llama", "\"eos_token_id\": [7, 9]")).eosTokenIds());
        assertEquals(List.of(), parse(minimal("llama", "\"eos_token_id\": null")).eosTokenIds());
        assertNull(parse(minimal("llama", "\"bos_token_id\": null")).bosTokenId());
        assertEquals("eos_token_id", refused(minimal("llama", "\"eos_token_id\": [7, \"x\"]")).field());
    }

    // ---- rotary embedding

    @Test
    void newerConfigsPutThetaAndScalingInRopeParameters() {
        HfConfig c = parse(minimal("llama", "\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"llama3\","
                + " \"factor\": 32.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                + " \"original_max_position_embeddings\": 8192}"));
        assertEquals(5e5, c.ropeTheta());
        assertEquals(new HfConfig.RopeScaling(32, 1, 4, 8192), c.ropeScaling());
        HfConfig plain = parse(minimal("llama", "\"rope_parameters\": {\"rope_theta\": 1e6, \"rope_type\": \"default\"}"));
        assertEquals(1e6, plain.ropeTheta());
        assertNull(plain.ropeScaling());
    }

    @Test
    void theLegacyTypeKeyIsRead() {
        HfConfig c = parse(minimal("llama", "\"rope_theta\": 5e5, \"rope_scaling\": {\"type\": \"llama3\","
                + " \"factor\": 8, \"low_freq_factor\": 1, \"high_freq_factor\": 4,"
                + " \"original_max_position_embeddings\": 8192}"));
        assertEquals(new HfConfig.RopeScaling(8, 1, 4, 8192), c.ropeScaling());
        assertEquals(5e5, c.ropeTheta());
    }

    @Test
    void otherRopeTypesAreRefusedByName() {
        HfConfigException yarn = refused(minimal("qwen2", "\"num_key_value_heads\": 2,"
                + " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"));
        assertEquals("config.json: field 'rope_scaling.rope_type': 'yarn' is not supported (only 'default' and"
                + " 'llama3')", yarn.getMessage());
        assertEquals("rope_scaling.type",
                refused(minimal("llama", "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}")).field());
        assertEquals("rope_parameters.rope_type",
                refused(minimal("llama", "\"rope_parameters\": {\"rope_type\": \"dynamic\", \"factor\": 2.0}")).field());
    }

    @Test
    void llama3ScalingNeedsItsFourParameters() {
        HfConfigException e = refused(minimal("llama", "\"rope_scaling\": {\"rope_type\": \"llama3\","
                + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}"));
        assertEquals("config.json: field 'rope_scaling.factor': missing", e.getMessage());
        assertEquals("rope_scaling.high_freq_factor", refused(minimal("llama", "\"rope_scaling\": {\"rope_type\":"
                + " \"llama3\", \"factor\": 8, \"low_freq_factor\": 4.0, \"high_freq_factor\": 1.0,"
                + " \"original_max_position_embeddings\": 8192}")).field());
    }

    // ---- sliding windows

    @Test
    void qwen2SlidingWindowIsRefused() {
        String on = QWEN25_05B_INSTRUCT.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true");
        assertEquals("config.json: field 'use_sliding_window': true is not supported; only full causal attention is",
                refused(on).getMessage());
        HfConfigException layers = refused(minimal("qwen2", "\"num_key_value_heads\": 2,"
                + " \"layer_types\": [\"full_attention\", \"sliding_attention\"]"));
        assertEquals("layer_types", layers.field());
    }

    @Test
    void mistralSlidingWindowShorterThanTheContextIsRefused() {
        // Mistral-7B-v0.1: sliding_window 4096 with 32768 positions; MistralModel masks by it
        String v01 = MISTRAL_7B_V03.replace("\"sliding_window\": null", "\"sliding_window\": 4096");
        HfConfigException e = refused(v01);
        assertEquals("sliding_window", e.field());
        assertTrue(e.getMessage().contains("4096 is shorter than max_position_embeddings 32768"), e.getMessage());
        // absent: MistralConfig's default of 4096 applies
        String absent = MISTRAL_7B_V03.replace("\"sliding_window\": null, ", "");
        assertTrue(refused(absent).getMessage().contains("(MistralConfig's default)"));
        // a window as long as the context never masks anything
        parse(MISTRAL_7B_V03.replace("\"sliding_window\": null", "\"sliding_window\": 32768"));
    }
}
