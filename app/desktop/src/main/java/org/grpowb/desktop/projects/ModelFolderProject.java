package org.grpowb.desktop.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.grpowb.api.ModelCard;
import org.grpowb.core.user.ProjectCopy;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;

/**
 * A new project made around a model folder (File → Open Model Folder…): the folder as its starting model
 * ({@code model: {name, init: FOLDER}}), data copied from a sample project or a JSONL file, the chosen rewards, and a
 * training budget sized for a pretrained model on a workstation.
 *
 * @param parent       where the project's folder is made
 * @param name         the project's name and folder name
 * @param model        the inspected model folder
 * @param data         where its examples come from
 * @param rewards      the chosen reward functions by name, with their weights, in order
 * @param promptFormat the model's {@code prompt_format} setting, or null when its factory has none
 * @param variant      the GRPO variant to start with
 */
public record ModelFolderProject(Path parent, String name, Inspected model, Data data, Map<String, Double> rewards,
                                 String promptFormat, String variant) {

    /** The {@code prompt_format} setting of models that take one. */
    public static final String PROMPT_FORMAT = "prompt_format";

    /** The {@code context} setting of models that take one; capped at the folder's {@code maxPositions}. */
    public static final String CONTEXT = "context";

    public ModelFolderProject {
        rewards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
    }

    public Path target() {
        return parent.resolve(name);
    }

    /**
     * A model folder as a model factory describes it.
     *
     * @param folder   the folder, absolute
     * @param factory  the name of the model factory that describes it (what {@code model.name} will say)
     * @param card     what it holds
     * @param settings the factory's model settings
     */
    public record Inspected(Path folder, String factory, ModelCard card, List<SettingSpec> settings) {

        public Inspected {
            settings = List.copyOf(settings);
        }

        /** A model setting by name, if the factory declares it. */
        public Optional<SettingSpec> setting(String name) {
            return settings.stream().filter(s -> s.name().equals(name)).findFirst();
        }
    }

    /**
     * Where a project's examples come from: the data of a sample project (its files copied) or a JSONL file of the
     * user's ({@code {"id", "prompt", "answer"[, "split"]}} per line, copied; lines with {@code "split": "eval"} are
     * held out).
     */
    public record Data(SampleProject sample, Path jsonl) {

        public static Data of(SampleProject sample) {
            return new Data(sample, null);
        }

        public static Data of(Path jsonl) {
            return new Data(null, jsonl);
        }

        @Override
        public String toString() {
            return sample != null ? "the data of the sample " + sample.name() : String.valueOf(jsonl);
        }
    }

    /**
     * Asks each model factory of {@code plugins} to describe {@code folder}; the first that does, wins. Reads the disk:
     * call it off the JavaFX thread.
     *
     * @throws IOException naming the file at fault when no factory describes the folder (the first factory's reason:
     *                     no {@code config.json}, no weights, an architecture it does not run)
     */
    public static Inspected inspect(PluginRegistry plugins, Path folder) throws IOException {
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder");
        }
        IOException first = null;
        for (String name : plugins.modelNames()) {
            PolicyModelFactory factory = plugins.model(name);
            try {
                Optional<ModelCard> card = factory.inspect(dir);
                if (card.isPresent()) {
                    return new Inspected(dir, name, card.get(), factory.settings());
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            } catch (RuntimeException e) { // a plugin's own failure says what it could not read
                first = first == null ? new IOException(dir + ": " + e.getMessage(), e) : first;
            }
        }
        throw first != null ? first : new IOException(dir + ": no model of this workbench ("
                + String.join(", ", plugins.modelNames()) + ") opens this folder");
    }

    /**
     * Writes the project: its folder, {@code data/} with the examples, and {@code project.yaml}; made beside the target
     * and renamed into place, so a failure leaves nothing half made. Reads and writes the disk.
     *
     * @return the project's folder
     * @throws IllegalArgumentException if the name is not a folder name, the folder exists already, or the data names
     *                                  no file
     */
    public Path create() throws IOException {
        if (!SampleProjects.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a project name is letters, digits, '.', '_' or '-': " + name);
        }
        Path target = target();
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists already");
        }
        Path staging = parent.resolve("." + name + ".creating");
        ProjectCopy.deleteTree(staging);
        Files.createDirectories(staging.resolve("data"));
        try {
            Map<String, String> dataFiles = copyData(staging.resolve("data"));
            Files.writeString(staging.resolve("project.yaml"), yaml(dataFiles));
            Files.move(staging, target);
        } catch (IOException | RuntimeException e) {
            ProjectCopy.deleteTree(staging);
            throw e;
        }
        return target;
    }

    /** Copies the examples into {@code dataDir}; the {@code data:} keys ({@code train}, {@code eval}, {@code file}). */
    private Map<String, String> copyData(Path dataDir) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        if (data.jsonl() != null) {
            if (!Files.isRegularFile(data.jsonl())) {
                throw new IllegalArgumentException(data.jsonl() + ": no such file");
            }
            Path copy = dataDir.resolve(data.jsonl().getFileName().toString());
            Files.copy(data.jsonl(), copy);
            keys.put("file", "data/" + copy.getFileName());
            return keys;
        }
        Path sampleDir = data.sample().dir();
        JsonNode spec = new YAMLMapper().readTree(sampleDir.resolve("project.yaml").toFile()).path("data");
        for (String key : List.of("train", "eval", "file")) {
            if (spec.path(key).isTextual()) {
                Path from = sampleDir.resolve(spec.path(key).asText()).normalize();
                Path copy = dataDir.resolve(from.getFileName().toString());
                if (!Files.exists(copy)) {
                    Files.copy(from, copy);
                }
                keys.put(key, "data/" + copy.getFileName());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(sampleDir.resolve("project.yaml") + ": the sample names no data file");
        }
        return keys;
    }

    /** The project file, commented where a choice was made for the user. */
    String yaml(Map<String, String> dataFiles) {
        ModelCard card = model.card();
        StringBuilder y = new StringBuilder();
        y.append("# Made by File → Open Model Folder… around ").append(model.folder()).append('\n');
        y.append("name: ").append(name).append('\n');
        y.append("description: ").append(quote(card.line() + ", trained on " + data)).append('\n');
        y.append("data:\n");
        dataFiles.forEach((k, v) -> y.append("  ").append(k).append(": ").append(quote(v)).append('\n'));
        y.append("model:\n");
        y.append("  name: ").append(model.factory()).append('\n');
        y.append("  init: ").append(quote(model.folder().toString())).append('\n');
        List<String> settings = new ArrayList<>();
        model.setting(CONTEXT).ifPresent(s -> settings.add(CONTEXT + ": " + context()));
        if (promptFormat != null && model.setting(PROMPT_FORMAT).isPresent()) {
            settings.add(PROMPT_FORMAT + ": " + promptFormat);
        }
        if (!settings.isEmpty()) {
            y.append("  settings:\n");
            settings.forEach(s -> y.append("    ").append(s).append('\n'));
        }
        y.append("variant:\n  name: ").append(variant).append('\n');
        y.append("rewards:\n");
        rewards.forEach((n, w) -> y.append("  - name: ").append(n).append("\n    weight: ")
                .append(String.format(Locale.ROOT, "%s", w)).append('\n'));
        // a pretrained model is fine-tuned gently (TRL's GRPO examples use 1e-6) and each rollout costs a forward
        // pass of the whole model: few prompts per step, a small group, a sample of the eval split
        y.append("training:\n");
        y.append("  steps: 200\n");
        y.append("  prompts_per_step: 4\n");
        y.append("  group_size: 4\n");
        y.append("  learning_rate: 1.0e-6\n");
        y.append("  max_new_tokens: ").append(maxNewTokens()).append('\n');
        y.append("  eval_every: 50\n");
        y.append("  eval_examples: 32\n");
        y.append("  checkpoint_every: 50\n");
        return y.toString();
    }

    /** The context the model is opened with: the factory's default, within what the model was trained for. */
    int context() {
        int byDefault = model.setting(CONTEXT).map(s -> ((Number) s.defaultValue()).intValue()).orElse(1024);
        return model.card().maxPositions() > 0 ? Math.min(byDefault, model.card().maxPositions()) : byDefault;
    }

    /** A completion budget that leaves most of the context to the prompt. */
    int maxNewTokens() {
        return Math.max(1, Math.min(64, context() / 4));
    }

    /** A YAML scalar in single quotes (a quote doubled), so paths and descriptions with ':' or '#' stay one value. */
    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /**
     * What the explorer says under the project's model when its {@code model.init} is a folder its factory describes
     * (a Hugging Face checkpoint): architecture and size, then the folder. Reads the folder's headers, never a weight.
     */
    public static List<String> explorerLines(Project p) {
        Path init = p.model().init();
        if (init == null || !Files.isDirectory(init)) {
            return List.of();
        }
        try {
            // two lines, so that the explorer's usual width shows them whole
            return p.model().factory().inspect(init).map(card -> List.of(card.architectureLine(), card.sizeLine(),
                    "folder " + init, OpenModelFolderDialog.details(card))).orElse(List.of());
        } catch (IOException | RuntimeException e) {
            return List.of("cannot read the model folder: " + e.getMessage());
        }
    }
}
