package org.grpowb.core.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.curriculum.CurriculumFormatException;
import org.grpowb.core.hints.HintsConfig;
import org.grpowb.core.hints.HintsConfigException;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.SteeringChoices;

/**
 * Reads {@code project.yaml} and its data, resolves every plugin by name and checks every setting against its
 * declaration. Overrides (from CLI flags) are applied to the document before validation, so they are checked the
 * same way.
 *
 * <pre>
 * name: arithmetic
 * data: {train: data/train.jsonl, eval: data/eval.jsonl}
 * model: {name: tiny-gpt, init: checkpoints/warm-start, settings: {layers: 2}}
 * variant: {name: grpo, settings: {beta: 0.04}}
 * rewards: [{name: exact_answer, weight: 1.0}]
 * training: {steps: 200, group_size: 8}
 * sft: {steps: 300, from: path/to/model-folder}
 * </pre>
 */
public final class ProjectLoader {

    private static final Set<String> TOP_LEVEL = Set.of("name", "description", "data", "model", "variant", "rewards",
            "training", "sft", "hints", "curriculum");

    private final PluginRegistry plugins;

    public ProjectLoader(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    /** Loads a project folder (or its {@code project.yaml}) as written. */
    public Project load(Path dirOrFile) {
        return load(dirOrFile, Map.of());
    }

    /**
     * Loads a project with overrides.
     *
     * @param overrides values by dotted path, e.g. {@code training.steps -> 50}, {@code variant.name -> grpo} or
     *                  {@code rewards.1.weight -> 0.2} (a list item by its index)
     */
    public Project load(Path dirOrFile, Map<String, Object> overrides) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("project.yaml") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new ProjectException(file, 0, null, "no project file here (expected project.yaml)");
        }
        Path dir = file.toAbsolutePath().getParent();
        LocatedYaml yaml = LocatedYaml.read(file);
        ObjectNode root = (ObjectNode) yaml.root();
        applyOverrides(file, root, overrides);

        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP_LEVEL.contains(k)) {
                throw yaml.error("/" + k, "unknown section; known sections: " + new java.util.TreeSet<>(TOP_LEVEL));
            }
        }
        String name = root.hasNonNull("name") ? root.get("name").asText() : dir.getFileName().toString();

        ObjectNode resolved = JsonNodeFactory.instance.objectNode();
        resolved.put("name", name);

        Dataset data = readData(yaml, dir, section(yaml, root, "data", true));
        ObjectNode dataNode = resolved.putObject("data");
        dataNode.put("train_examples", data.train().size());
        dataNode.put("eval_examples", data.eval().size());

        Project.ModelChoice model = readModel(yaml, dir, section(yaml, root, "model", true), resolved);
        Project.VariantChoice variant = readVariant(yaml, section(yaml, root, "variant", true), resolved);
        List<Project.RewardChoice> rewards = readRewards(yaml, root, resolved);

        Settings training = resolve(yaml, "/training", TrainingSettings.SPECS, section(yaml, root, "training", false));
        resolved.set("training", new ObjectMapper().valueToTree(training.values()));
        ObjectNode sftNode = section(yaml, root, "sft", false).deepCopy();
        Path sftFrom = sftFrom(yaml, dir, sftNode.remove(SftSettings.FROM));
        Settings sft = resolve(yaml, "/sft", SftSettings.SPECS, sftNode);
        ObjectNode sftResolved = new ObjectMapper().valueToTree(sft.values());
        if (sftFrom != null) {
            sftResolved.put(SftSettings.FROM, dir.relativize(sftFrom).toString());
        }
        resolved.set("sft", sftResolved);

        TrainingSettings ts = TrainingSettings.from(training);
        requireTokenAdvantages(yaml, variant, ts);
        if (data.train().isEmpty()) {
            throw yaml.error("/data/train", "the training split has no examples");
        }
        SteeringChoices steering = SteeringChoices.of(plugins);
        HintsConfig hints;
        try {
            hints = HintsConfig.parse(root.get("hints"), dir, file.getFileName().toString(), steering::hintPolicy);
        } catch (HintsConfigException e) {
            throw yaml.error(e.pointer(), e.problem());
        }
        resolved.set("hints", hints.toJson());
        CurriculumConfig curriculum;
        try {
            curriculum = CurriculumConfig.parse(root.get("curriculum"), file.getFileName().toString());
            for (int i = 0; i < curriculum.curriculum().stages().size(); i++) {
                curriculum.curriculum().candidates(i, data.train());
            }
        } catch (CurriculumFormatException e) {
            throw yaml.error(e.pointer(), e.getMessage().substring(e.getMessage().indexOf(e.pointer())
                    + e.pointer().length() + 2));
        } catch (IllegalArgumentException e) {
            throw yaml.error("/curriculum/stages", e.getMessage());
        }
        requirePluginSampler(yaml, steering, curriculum);
        resolved.set("curriculum", curriculum.toJson());
        return new Project(dir, file, name, data, model, variant, rewards, ts, SftSettings.from(sft, sftFrom), hints,
                curriculum, resolved, steering);
    }

    /** A sampler that is not built in must be a trusted plugin's, and its settings must suit its own declarations. */
    private static void requirePluginSampler(LocatedYaml yaml, SteeringChoices steering, CurriculumConfig curriculum) {
        String name = curriculum.sampler();
        PromptSampler sampler;
        try {
            sampler = steering.sampler(name);
        } catch (IllegalArgumentException e) {
            throw yaml.error("/curriculum/sampler", e.getMessage());
        }
        if (steering.isPluginSampler(name)) {
            try {
                Settings.resolve(sampler.settings(), curriculum.samplerSettings(), "sampler '" + name + "'");
            } catch (IllegalArgumentException e) {
                throw yaml.error("/curriculum/sampler_settings", e.getMessage());
            }
        }
    }

    private static void applyOverrides(Path file, ObjectNode root, Map<String, Object> overrides) {
        ObjectMapper om = new ObjectMapper();
        Object variant = overrides.get("variant.name");
        JsonNode current = root.path("variant").path("name");
        if (variant != null && root.get("variant") instanceof ObjectNode v && !variant.equals(current.asText())) {
            // Another variant's settings would not validate against this one's declarations: start from its defaults.
            v.remove("settings");
        }
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = node.get(parts[i]);
                if (child != null && child.isArray()) {
                    // a list item by its index, e.g. rewards.1.weight: the item must exist (an override edits, never
                    // invents, a list entry)
                    child = listItem(file, e.getKey(), (com.fasterxml.jackson.databind.node.ArrayNode) child, parts[++i]);
                } else if (child == null || !child.isObject()) {
                    child = node.putObject(parts[i]);
                }
                node = (ObjectNode) child;
            }
            node.set(parts[parts.length - 1], om.valueToTree(e.getValue()));
        }
    }

    private static ObjectNode listItem(Path file, String key, com.fasterxml.jackson.databind.node.ArrayNode list,
                                       String index) {
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException ex) {
            throw new ProjectException(file, 0, key, "'" + index + "' is not a list index");
        }
        if (i < 0 || i >= list.size() || !list.get(i).isObject()) {
            throw new ProjectException(file, 0, key, "the list has no item " + i + " (it has " + list.size() + ")");
        }
        return (ObjectNode) list.get(i);
    }

    private static ObjectNode section(LocatedYaml yaml, ObjectNode root, String key, boolean required) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw yaml.error("", "the section '" + key + "' is missing");
            }
            return JsonNodeFactory.instance.objectNode();
        }
        if (!n.isObject()) {
            throw yaml.error("/" + key, "must be a mapping");
        }
        return (ObjectNode) n;
    }

    private static Dataset readData(LocatedYaml yaml, Path dir, ObjectNode data) {
        List<org.grpowb.api.Example> train;
        List<org.grpowb.api.Example> eval;
        if (data.has("file")) {
            Path f = dataFile(yaml, dir, data, "file");
            train = Dataset.readJsonl(f, "train", "train");
            eval = Dataset.readJsonl(f, "train", "eval");
        } else {
            train = Dataset.readJsonl(dataFile(yaml, dir, data, "train"), "train", "train");
            eval = data.has("eval") ? Dataset.readJsonl(dataFile(yaml, dir, data, "eval"), "eval", "eval") : List.of();
        }
        return new Dataset(train, eval);
    }

    private static Path dataFile(LocatedYaml yaml, Path dir, ObjectNode data, String key) {
        JsonNode n = data.get(key);
        if (n == null || !n.isTextual()) {
            throw yaml.error("/data/" + key, "must name a JSONL file relative to the project");
        }
        Path p = dir.resolve(n.asText()).normalize();
        if (!Files.isRegularFile(p)) {
            throw yaml.error("/data/" + key, "file not found: " + p);
        }
        return p;
    }

    /** {@code sft.from}: a folder relative to the project; whether it exists is checked when the warm start runs. */
    private static Path sftFrom(LocatedYaml yaml, Path dir, JsonNode from) {
        if (from == null || from.isNull()) {
            return null;
        }
        if (!from.isTextual() || from.asText().isBlank()) {
            throw yaml.error("/sft/" + SftSettings.FROM, "must name a model folder relative to the project");
        }
        return dir.resolve(from.asText()).normalize();
    }

    private Project.ModelChoice readModel(LocatedYaml yaml, Path dir, ObjectNode node, ObjectNode resolved) {
        String name = requireName(yaml, "/model", node);
        PolicyModelFactory factory;
        try {
            factory = plugins.model(name);
        } catch (NoSuchElementException e) {
            throw yaml.error("/model/name", e.getMessage());
        }
        Settings s = resolve(yaml, "/model/settings", factory.settings(), settingsOf(yaml, "/model", node));
        Path init = null;
        if (node.hasNonNull("init")) {
            init = dir.resolve(node.get("init").asText()).normalize();
        }
        ObjectNode m = resolved.putObject("model");
        m.put("name", name);
        m.put("init", init == null ? null : dir.relativize(init).toString());
        m.set("settings", new ObjectMapper().valueToTree(s.values()));
        return new Project.ModelChoice(factory, s, init);
    }

    private Project.VariantChoice readVariant(LocatedYaml yaml, ObjectNode node, ObjectNode resolved) {
        String name = requireName(yaml, "/variant", node);
        GrpoVariant v;
        try {
            v = plugins.variant(name);
        } catch (NoSuchElementException e) {
            throw yaml.error("/variant/name", e.getMessage());
        }
        Settings s = resolve(yaml, "/variant/settings", v.settings(), settingsOf(yaml, "/variant", node));
        ObjectNode m = resolved.putObject("variant");
        m.put("name", name);
        m.set("settings", new ObjectMapper().valueToTree(s.values()));
        return new Project.VariantChoice(v, s);
    }

    /**
     * THR reweighting and the entropy filter give each token its own advantage; a variant whose loss reads one
     * advantage per sequence would average them away silently, so it refuses them here, at the setting's line.
     */
    private static void requireTokenAdvantages(LocatedYaml yaml, Project.VariantChoice variant, TrainingSettings ts) {
        if (variant.variant().tokenAdvantages(variant.settings())) {
            return;
        }
        String why = "variant '" + variant.variant().name() + "' reads one advantage per sequence and cannot honour "
                + "per-token advantages";
        if (ts.signals().thrReweight() != 0) {
            throw yaml.error("/training/thr_reweight", why + "; set thr_reweight: 0 or choose a token-level variant");
        }
        if (ts.signals().thrMode().equals("dominant_only")) {
            throw yaml.error("/training/thr_mode", why + "; set thr_mode: reweight or choose a token-level variant");
        }
        if (ts.signals().topEntropyQuantile() < 1) {
            throw yaml.error("/training/top_entropy_quantile", why + "; set top_entropy_quantile: 1 or choose a "
                    + "token-level variant");
        }
    }

    private List<Project.RewardChoice> readRewards(LocatedYaml yaml, ObjectNode root, ObjectNode resolved) {
        JsonNode list = root.get("rewards");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw yaml.error(list == null ? "" : "/rewards", "'rewards' must list at least one reward, e.g. "
                    + "[{name: exact_answer, weight: 1.0}]; known rewards: " + String.join(", ", plugins.rewardNames()));
        }
        List<Project.RewardChoice> out = new ArrayList<>();
        ArrayNode arr = resolved.putArray("rewards");
        for (int i = 0; i < list.size(); i++) {
            String path = "/rewards/" + i;
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw yaml.error(path, "each reward must be a mapping with 'name' and 'weight'");
            }
            String name = requireName(yaml, path, (ObjectNode) item);
            RewardFunction f;
            try {
                f = plugins.reward(name);
            } catch (NoSuchElementException e) {
                throw yaml.error(path + "/name", e.getMessage());
            }
            double weight = 1.0;
            if (item.has("weight")) {
                JsonNode w = item.get("weight");
                if (!w.isNumber() || !Double.isFinite(w.asDouble())) {
                    throw yaml.error(path + "/weight", "must be a finite number, got " + w);
                }
                weight = w.asDouble();
            }
            Settings s = resolve(yaml, path + "/settings", f.settings(), settingsOf(yaml, path, (ObjectNode) item));
            f.configure(s);
            out.add(new Project.RewardChoice(f, weight, s));
            ObjectNode r = arr.addObject();
            r.put("name", name);
            r.put("weight", weight);
            r.set("settings", new ObjectMapper().valueToTree(s.values()));
        }
        return out;
    }

    private static String requireName(LocatedYaml yaml, String path, ObjectNode node) {
        JsonNode n = node.get("name");
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw yaml.error(path + "/name", "is missing");
        }
        return n.asText();
    }

    private static ObjectNode settingsOf(LocatedYaml yaml, String path, ObjectNode node) {
        JsonNode s = node.get("settings");
        if (s == null || s.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!s.isObject()) {
            throw yaml.error(path + "/settings", "must be a mapping");
        }
        return (ObjectNode) s;
    }

    /** Resolves a settings mapping field by field, so an error points at the offending field's own line. */
    private static Settings resolve(LocatedYaml yaml, String path, List<SettingSpec> specs, ObjectNode given) {
        Map<String, Object> raw = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value = v.isNumber() ? (Object) v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asText();
            raw.put(e.getKey(), value);
            Settings one = null;
            try {
                one = Settings.resolve(specs.stream().filter(sp -> sp.name().equals(e.getKey())).toList(),
                        Map.of(e.getKey(), value), "");
            } catch (IllegalArgumentException ex) {
                String msg = ex.getMessage().replaceFirst("^: ", "");
                if (specs.stream().noneMatch(sp -> sp.name().equals(e.getKey()))) {
                    msg = "unknown setting; known: " + specs.stream().map(SettingSpec::name).sorted().toList();
                }
                throw yaml.error(path + "/" + e.getKey(), msg);
            }
            assert one != null;
        }
        return Settings.resolve(specs, raw, yaml.file() + ": " + path);
    }
}
