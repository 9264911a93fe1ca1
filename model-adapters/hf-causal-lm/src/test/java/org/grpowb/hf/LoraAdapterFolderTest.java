package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.Settings;
import org.grpowb.hf.model.AdapterFolder;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsFile;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LoRA policy of {@code hf-causal-lm} saves PEFT's adapter folder ({@code adapter_config.json},
 * {@code adapter_model.safetensors}) naming its base folder, reopens from it bit for bit, and refuses by name the
 * settings and folders it cannot honour.
 */
class LoraAdapterFolderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<int[]> PROMPTS = List.of(new int[] {268, 51, 43}, new int[] {268, 60});
    private static final List<int[]> COMPLETIONS = List.of(new int[] {52, 53, 265}, new int[] {40, 41, 42, 43});

    @TempDir
    Path dir;

    private final HfCausalLmFactory factory = new HfCausalLmFactory();

    private Settings settings(Map<String, ?> given) {
        return Settings.resolve(factory.settings(), given, "test model.settings");
    }

    private Map<String, Object> lora(Object rank, Object alpha, Object targets) {
        Map<String, Object> s = new HashMap<>(Map.of("context", 32, "prompt_format", "raw"));
        s.put("lora_rank", rank);
        s.put("lora_alpha", alpha);
        s.put("lora_target_modules", targets);
        return s;
    }

    private static float[] logProbs(NDManager m, PolicyModel p) {
        return p.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray();
    }

    /** Every adapter array moved, as training would move it. */
    private static void train(PolicyModel p, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (NDArray a : p.parameters().values()) {
            float[] v = a.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.3 * random.nextDouble() - 0.15);
            }
            a.set(v);
        }
    }

    @Test
    void anAdapterFolderIsPeftsLayoutAndReopensBitForBitOverItsBase() throws IOException {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        Path saved = dir.resolve("checkpoint");
        Settings s = settings(lora(4, 16, "q_proj, o_proj,up_proj"));
        try (NDManager m = NDManager.newBaseManager();
             PolicyModel base = factory.load(m, model, settings(Map.of("context", 32, "prompt_format", "raw")));
             PolicyModel policy = factory.load(m, model, s)) {
            float[] baseScores = logProbs(m, base);
            train(policy, 1);
            float[] scores = logProbs(m, policy);
            policy.save(saved);

            JsonNode config = JSON.readTree(saved.resolve(AdapterFolder.CONFIG_FILE).toFile());
            assertEquals("LORA", config.path("peft_type").asText());
            assertEquals("CAUSAL_LM", config.path("task_type").asText());
            assertEquals(4, config.path("r").asInt());
            assertTrue(config.path("lora_alpha").isIntegralNumber(), "16, as PEFT writes it");
            assertEquals(16, config.path("lora_alpha").asInt());
            assertEquals(List.of("q_proj", "o_proj", "up_proj"), strings(config.path("target_modules")));
            assertEquals(model.toAbsolutePath().normalize().toString(),
                    config.path("base_model_name_or_path").asText());
            assertFalse(Files.exists(saved.resolve("model.safetensors")), "no copy of the base");
            assertFalse(Files.exists(saved.resolve("config.json")), "transformers would take it for a whole model");
            assertTrue(Files.isRegularFile(saved.resolve("tokenizer.json")));
            JsonNode policyFile = JSON.readTree(saved.resolve(HfCausalLm.POLICY_FILE).toFile());
            assertEquals(32, policyFile.path("context").asInt());
            assertEquals(4, policyFile.path("lora").path("r").asInt());
            assertEquals(model.toAbsolutePath().normalize().toString(), policyFile.path("base_model").asText());
            try (SafetensorsFile file = new SafetensorsFile(saved.resolve(AdapterFolder.WEIGHTS_FILE))) {
                assertEquals(policy.parameters().keySet().stream().sorted().toList(),
                        file.names().stream().sorted().toList());
                assertEquals(2 * 2 * 3, file.names().size(), "A and B of 3 modules in 2 layers");
                for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
                    assertEquals(Dtype.F32, file.info(e.getKey()).dtype());
                    assertArrayEquals(e.getValue().toFloatArray(), file.readFloats(e.getKey()), 0f, e.getKey());
                }
            }

            try (PolicyModel back = factory.load(m, saved)) {
                assertEquals(policy.parameters().keySet(), back.parameters().keySet());
                for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
                    NDArray p = back.parameters().get(e.getKey());
                    assertArrayEquals(e.getValue().toFloatArray(), p.toFloatArray(), 0f, e.getKey());
                    assertTrue(p.hasGradient(), "the reopened adapters train on");
                }
                assertArrayEquals(scores, logProbs(m, back), 0f);
                assertEquals(32, back.contextLength());
                assertTrue(back.referenceIsFixed());
                try (PolicyModel reference = back.reference()) {
                    assertArrayEquals(baseScores, logProbs(m, reference), 0f, "the reference is the base");
                }
                assertTrue(back.describe().contains("LoRA r=4 α=16"), back.describe());
            }
            try (PolicyModel fresh = factory.load(m, model, s)) {
                fresh.load(saved);
                assertArrayEquals(scores, logProbs(m, fresh), 0f, "load(dir) replaces the adapters in place");
            }
            try (PolicyModel init = factory.load(m, saved, settings(Map.of("context", 32, "prompt_format", "raw")))) {
                assertArrayEquals(scores, logProbs(m, init), 0f, "an adapter folder as model.init keeps its adapters");
            }
            assertArrayEquals(policy.codec().encode("3+4="), factory.codec(settings(Map.of()), saved).encode("3+4="));
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void badLoraSettingsAreRefusedNamingTheSetting() throws IOException {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            assertRefused(() -> factory.load(m, model, settings(lora(4, 8, "q_proj,qproj"))),
                    "'lora_target_modules'", "'qproj'");
            assertRefused(() -> factory.load(m, model, settings(lora(4, 8, "lm_head"))), "'lora_target_modules'",
                    "'lm_head'");
            assertRefused(() -> factory.load(m, model, settings(lora(4, 8, "all-linear,q_proj"))),
                    "'lora_target_modules'", "all-linear");
            assertRefused(() -> factory.load(m, model, settings(lora(0, 16, ""))), "'lora_alpha'", "'lora_rank' is 0");
            assertRefused(() -> factory.load(m, model, settings(lora(0, 0, "q_proj"))), "'lora_target_modules'",
                    "'lora_rank' is 0");
            assertRefused(() -> settings(lora(-2, 8, "")), "'lora_rank'", "-2");
            assertRefused(() -> settings(lora(4, -1, "")), "'lora_alpha'", "-1");
            assertRefused(() -> settings(Map.of("system_prompt", List.of("a", "b"))), "'system_prompt'", "text");
            try (PolicyModel all = factory.load(m, model, settings(lora(2, 0, "ALL-LINEAR")))) {
                assertEquals(2 * 2 * 7, all.parameters().size(), "all-linear: the seven projections of each layer");
                assertTrue(all.describe().contains("α=8"), "alpha 0: PEFT's default, 8: " + all.describe());
            }
            try (PolicyModel peftDefault = factory.load(m, model, settings(lora(2, 4, "")))) {
                assertEquals(List.of("q_proj", "v_proj"), ((HfCausalLm) peftDefault).lora().orElseThrow()
                        .targetModules(), "PEFT's default targets for qwen2");
            }
        }
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String... words) {
        Exception e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
    }

    @Test
    void aSavedAdapterWhoseBaseIsGoneOrWhoseFilesDisagreeIsRefusedNamingTheFile() throws IOException {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        Path saved = dir.resolve("adapter");
        Path configFile = saved.resolve(AdapterFolder.CONFIG_FILE);
        try (NDManager m = NDManager.newBaseManager()) {
            try (PolicyModel policy = factory.load(m, model, settings(lora(2, 4, "q_proj,v_proj")))) {
                policy.save(saved);
                assertThrows(IOException.class, () -> policy.load(model), "a whole model is not an adapter");
            }
            String original = Files.readString(configFile);

            Path moved = Files.move(model, dir.resolve("moved"));
            Exception gone = assertThrows(RuntimeException.class, () -> factory.load(m, saved));
            assertTrue(gone.getMessage().contains(configFile.toString())
                    && gone.getMessage().contains("base_model_name_or_path")
                    && gone.getMessage().contains(model.toAbsolutePath().normalize().toString()), gone.getMessage());
            Files.move(moved, model);

            edit(configFile, c -> c.put("use_rslora", true));
            assertMessage(() -> factory.load(m, saved), configFile.toString(), "'use_rslora'");
            Files.writeString(configFile, original);

            edit(configFile, c -> c.put("r", 3));
            assertMessage(() -> factory.load(m, saved), "lora_A.weight", "[2, 32]", "[3, 32]");
            Files.writeString(configFile, original);

            // the weights without one tensor
            Path weights = saved.resolve(AdapterFolder.WEIGHTS_FILE);
            String dropped;
            List<SafetensorsWriter.Tensor> kept = new ArrayList<>();
            try (SafetensorsFile file = new SafetensorsFile(weights)) {
                dropped = file.names().get(1);
                for (String name : file.names()) {
                    if (!name.equals(dropped)) {
                        kept.add(SafetensorsWriter.Tensor.of(name, file.info(name).shape(), file.readFloats(name)));
                    }
                }
            }
            new SafetensorsWriter(Dtype.F32, SafetensorsWriter.PT_METADATA).write(weights, kept);
            assertMessage(() -> factory.load(m, saved), weights.toString(), dropped, "missing");

            // the project asks for other adapters than the folder it starts from holds
            Exception other = assertThrows(IllegalArgumentException.class,
                    () -> factory.load(m, saved, settings(lora(8, 4, "q_proj,v_proj"))));
            assertTrue(other.getMessage().contains(saved.toString()) && other.getMessage().contains("lora_rank"),
                    other.getMessage());
        }
    }

    private static void edit(Path file, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(json);
        Files.writeString(file, JSON.writeValueAsString(json));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... words) {
        Exception e = assertThrows(Exception.class, call);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
    }
}
