package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.grpowb.hf.config.HfConfigException;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsFile;
import org.grpowb.hf.safetensors.SafetensorsWriter;

/**
 * A LoRA adapter as PEFT's {@code save_pretrained} writes it, so that {@code PeftModel.from_pretrained(base, folder)}
 * loads what the workbench trained: {@code adapter_config.json} (peft_type LORA, task_type CAUSAL_LM, r, lora_alpha,
 * target_modules, base_model_name_or_path) and {@code adapter_model.safetensors} holding every A and B in float32
 * (PEFT keeps adapters in float32 over a bf16 base, {@code autocast_adapter_dtype=True}).
 *
 * <p>Reading accepts what this workbench computes and refuses, by field, what it would silently compute differently:
 * rsLoRA's α/√r scaling, DoRA, per-layer rank or alpha patterns, trained biases, extra saved modules, a subset of
 * layers, a regular expression for the targets.
 */
public final class AdapterFolder {

    public static final String CONFIG_FILE = "adapter_config.json";

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdapterFolder() {
    }

    /** What {@code adapter_config.json} says: the adapters' shape and the base model they adapt. */
    public record Saved(LoraConfig config, Path base) {
    }

    /** Whether {@code dir} holds an adapter rather than a whole model. */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }

    /** Writes both files for adapters over the base model in {@code base} (an absolute folder). */
    public static void write(Path dir, LoraAdapters adapters, Path base) throws IOException {
        Files.createDirectories(dir);
        LoraConfig c = adapters.config();
        ObjectNode json = JSON.createObjectNode();
        json.put("peft_type", "LORA");
        json.put("task_type", "CAUSAL_LM");
        json.put("base_model_name_or_path", base.toAbsolutePath().normalize().toString());
        json.put("r", c.rank());
        if (c.alpha() == Math.rint(c.alpha()) && Math.abs(c.alpha()) < 1e9) {
            json.put("lora_alpha", (long) c.alpha());
        } else {
            json.put("lora_alpha", c.alpha());
        }
        ArrayNode targets = json.putArray("target_modules");
        c.targetModules().forEach(targets::add);
        json.put("lora_dropout", 0.0);
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("use_rslora", false);
        json.put("use_dora", false);
        json.put("init_lora_weights", true);
        json.putNull("modules_to_save");
        json.putNull("layers_to_transform");
        json.put("inference_mode", true);
        Files.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(json) + "\n");

        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : adapters.parameters().entrySet()) {
            NDArray p = e.getValue();
            tensors.add(new SafetensorsWriter.Tensor(e.getKey(), p.getShape().getShape(),
                    () -> p.stopGradient().toFloatArray()));
        }
        new SafetensorsWriter(Dtype.F32, SafetensorsWriter.PT_METADATA).write(dir.resolve(WEIGHTS_FILE), tensors);
    }

    /**
     * Reads {@code adapter_config.json}. The base folder is {@code base_model_name_or_path}, resolved against the
     * adapter's folder when relative; it must exist here, since nothing is downloaded.
     *
     * @throws HfConfigException naming the file and the field at fault, or the missing base folder
     */
    public static Saved readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        String where = file.toString();
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new HfConfigException(where, null, "not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new HfConfigException(where, null, "not a JSON object");
        }
        String type = json.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new HfConfigException(where, "peft_type", "'" + type + "' is not LORA, the only adapter read here");
        }
        String task = json.path("task_type").asText("CAUSAL_LM");
        if (!task.equals("CAUSAL_LM")) {
            throw new HfConfigException(where, "task_type", "'" + task + "' is not CAUSAL_LM");
        }
        refuseIf(json.path("use_rslora").asBoolean(false), where, "use_rslora", "rsLoRA scales by α/√r, not α/r");
        refuseIf(json.path("use_dora").asBoolean(false), where, "use_dora", "DoRA is not computed here");
        refuseIf(!json.path("bias").asText("none").equals("none"), where, "bias", "trained biases are not read here");
        refuseIf(json.path("fan_in_fan_out").asBoolean(false), where, "fan_in_fan_out",
                "Conv1D-style [in, out] weights are not Llama's");
        for (String field : List.of("modules_to_save", "layers_to_transform", "layers_pattern")) {
            JsonNode n = json.path(field);
            refuseIf(!(n.isMissingNode() || n.isNull() || (n.isArray() && n.isEmpty())), where, field,
                    "is " + n + "; only adapters on every layer and nothing else are read here");
        }
        for (String field : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode n = json.path(field);
            refuseIf(!(n.isMissingNode() || n.isNull() || (n.isObject() && n.isEmpty())), where, field,
                    "is " + n + "; one rank and alpha for every layer are read here");
        }
        JsonNode r = json.path("r");
        if (!r.canConvertToInt() || r.asInt() < 1) {
            throw new HfConfigException(where, "r", "must be a positive whole number, got " + r);
        }
        JsonNode alpha = json.path("lora_alpha");
        if (!alpha.isNumber() || !(alpha.asDouble() > 0)) {
            throw new HfConfigException(where, "lora_alpha", "must be a positive number, got " + alpha);
        }
        JsonNode targets = json.path("target_modules");
        List<String> modules = new ArrayList<>();
        if (targets.isTextual() && targets.asText().equals(LoraConfig.ALL_LINEAR)) {
            modules.addAll(LoraConfig.MODULES);
        } else if (targets.isArray() && !targets.isEmpty()) {
            for (JsonNode t : targets) {
                String m = t.asText();
                if (!LoraConfig.MODULES.contains(m)) {
                    throw new HfConfigException(where, "target_modules", "'" + m + "' matches no module of the "
                            + "decoder; modules: " + String.join(", ", LoraConfig.MODULES));
                }
                modules.add(m);
            }
        } else {
            throw new HfConfigException(where, "target_modules", "must list module names or be '"
                    + LoraConfig.ALL_LINEAR + "', got " + targets);
        }
        String baseName = json.path("base_model_name_or_path").asText("");
        if (baseName.isEmpty()) {
            throw new HfConfigException(where, "base_model_name_or_path", "names no base model folder");
        }
        Path base = dir.resolve(baseName).toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new HfConfigException(where, "base_model_name_or_path", "'" + baseName + "': the base model folder "
                    + base + " does not exist here (nothing is downloaded): put the base model there, or edit the "
                    + "field to name its folder");
        }
        return new Saved(new LoraConfig(r.asInt(), alpha.asDouble(), modules), base);
    }

    private static void refuseIf(boolean bad, String where, String field, String why) {
        if (bad) {
            throw new HfConfigException(where, field, why);
        }
    }

    /**
     * Copies {@code adapter_model.safetensors} into {@code adapters}, which must have exactly its tensors and shapes.
     *
     * @throws HfConfigException naming the file and the first tensor missing, extra or of another shape
     */
    public static void read(Path dir, LoraAdapters adapters) throws IOException {
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new HfConfigException(file.toString(), null, "missing: an adapter folder holds its weights there");
        }
        try (SafetensorsFile weights = new SafetensorsFile(file)) {
            TreeSet<String> extra = new TreeSet<>(weights.names());
            extra.removeAll(adapters.parameters().keySet());
            if (!extra.isEmpty()) {
                throw HfConfigException.tensor(file.toString(), extra.first(), "is not an adapter of "
                        + CONFIG_FILE + "'s targets (" + extra.size() + " such tensor(s))");
            }
            for (Map.Entry<String, NDArray> e : adapters.parameters().entrySet()) {
                if (!weights.contains(e.getKey())) {
                    throw HfConfigException.tensor(file.toString(), e.getKey(), "missing");
                }
                long[] want = e.getValue().getShape().getShape();
                long[] got = weights.info(e.getKey()).shape();
                if (!Arrays.equals(want, got)) {
                    throw HfConfigException.tensor(file.toString(), e.getKey(), "has shape " + Arrays.toString(got)
                            + " but the base model and " + CONFIG_FILE + " make it " + Arrays.toString(want));
                }
            }
            for (Map.Entry<String, NDArray> e : adapters.parameters().entrySet()) {
                // through the heap: set(Buffer) on a CPU array would adopt a direct buffer as its storage
                e.getValue().set(weights.readFloats(e.getKey()));
            }
        }
    }
}
