package org.grpowb.desktop.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.SettingSpec;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.TrainingSettings;

/**
 * The editable run configuration of one loaded project: the variant's name and settings, the reward weights and the
 * trainer's settings, each an {@link Entry} checked by its {@link SettingSpec} as soon as its text changes.
 *
 * <p>{@link #overrides()} gives what differs from the project file as the dotted paths
 * {@link org.grpowb.core.project.ProjectLoader#load(java.nio.file.Path, Map)} applies; a reward's weight is addressed by
 * its place in the project's list, {@code rewards.<i>.weight}.
 *
 * <p>Lives on the JavaFX thread, like the view bound to it.
 */
public final class RunConfigModel {

    public static final String VARIANT = "Variant";
    public static final String REWARDS = "Rewards";
    public static final String TRAINING = "Training";

    /**
     * One setting as the editor holds it: the text typed so far, and the spec's complaint about it (null when valid).
     * The baseline is what the loader would use without an override, so an entry equal to it adds no override.
     */
    public static final class Entry {
        private final String path;
        private final String category;
        private final SettingSpec spec;
        private final Object baseline;
        private final StringProperty text = new SimpleStringProperty(this, "text");
        private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error");
        private Object value;

        Entry(String path, String category, SettingSpec spec, Object baseline) {
            this.path = path;
            this.category = category;
            this.spec = spec;
            this.baseline = spec.coerce(baseline);
            text.addListener((obs, was, now) -> check(now));
            text.set(format(this.baseline));
        }

        private void check(String now) {
            try {
                value = spec.coerce(now);
                error.set(null);
            } catch (IllegalArgumentException e) {
                value = null;
                error.set(e.getMessage());
            }
        }

        /** Dotted path in the project document, e.g. {@code training.group_size}; also the editor's id suffix. */
        public String path() {
            return path;
        }

        /** {@link #VARIANT}, {@link #REWARDS} or {@link #TRAINING}. */
        public String category() {
            return category;
        }

        public SettingSpec spec() {
            return spec;
        }

        public StringProperty textProperty() {
            return text;
        }

        /** The spec's message for the current text, or null when it is valid. */
        public ReadOnlyStringProperty errorProperty() {
            return error.getReadOnlyProperty();
        }

        public String error() {
            return error.get();
        }

        /** The coerced current value, or null while the text is invalid. */
        public Object value() {
            return value;
        }

        boolean changed() {
            return value != null && !value.equals(baseline);
        }
    }

    private final Project project;
    private final PluginRegistry registry;
    private final Entry variantName;
    private final ObservableList<Entry> variantSettings = FXCollections.observableArrayList();
    private final List<Entry> rewardWeights = new ArrayList<>();
    private final List<Entry> training = new ArrayList<>();
    private final ReadOnlyIntegerWrapper invalidCount = new ReadOnlyIntegerWrapper(this, "invalidCount");

    public RunConfigModel(Project project, PluginRegistry registry) {
        this.project = Objects.requireNonNull(project, "project");
        this.registry = Objects.requireNonNull(registry, "registry");
        String current = project.variant().variant().name();
        SettingSpec nameSpec = SettingSpec.choice("name", "the GRPO variant: advantage estimator and policy loss",
                current, registry.variantNames().toArray(String[]::new));
        variantName = watch(new Entry("variant.name", VARIANT, nameSpec, current));
        variantName.textProperty().addListener((obs, was, now) -> {
            if (variantName.value() != null) {
                populateVariantSettings((String) variantName.value());
            }
        });
        populateVariantSettings(current);

        for (int i = 0; i < project.rewards().size(); i++) {
            Project.RewardChoice r = project.rewards().get(i);
            SettingSpec spec = SettingSpec.number("weight", "w_k, the weight of " + r.function().name() + " in the summed reward",
                    r.weight(), -Double.MAX_VALUE, Double.MAX_VALUE);
            rewardWeights.add(watch(new Entry("rewards." + i + ".weight", REWARDS, spec, r.weight())));
        }

        JsonNode file = project.resolvedConfig().path("training");
        for (SettingSpec spec : TrainingSettings.SPECS) {
            JsonNode n = file.path(spec.name());
            Object baseline = n.isMissingNode() || n.isNull() ? spec.defaultValue() : plain(n);
            training.add(watch(new Entry("training." + spec.name(), TRAINING, spec, baseline)));
        }
        recount();
    }

    /**
     * Fills the variant's settings: the file's values for the file's own variant, the declared defaults for any
     * other, since the loader drops the file's settings when {@code variant.name} is overridden.
     */
    private void populateVariantSettings(String name) {
        boolean same = name.equals(project.variant().variant().name());
        GrpoVariant variant = same ? project.variant().variant() : registry.variant(name);
        Map<String, Object> file = project.variant().settings().values();
        List<Entry> entries = new ArrayList<>();
        for (SettingSpec spec : variant.settings()) {
            Object baseline = same && file.containsKey(spec.name()) ? file.get(spec.name()) : spec.defaultValue();
            entries.add(watch(new Entry("variant.settings." + spec.name(), VARIANT, spec, baseline)));
        }
        variantSettings.setAll(entries);
        recount();
    }

    private Entry watch(Entry e) {
        e.errorProperty().addListener((obs, was, now) -> recount());
        return e;
    }

    private void recount() {
        int n = 0;
        for (Entry e : all()) {
            if (e.error() != null) {
                n++;
            }
        }
        invalidCount.set(n);
    }

    private static Object plain(JsonNode n) {
        if (n.isNumber()) {
            return n.numberValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.asText();
    }

    static String format(Object v) {
        return v == null ? "" : String.valueOf(v);
    }

    public Project project() {
        return project;
    }

    /** The variant's name: a choice among the registry's variants. Changing it re-populates {@link #variantSettings()}. */
    public Entry variantName() {
        return variantName;
    }

    /** The current variant's settings; replaced wholesale when the variant changes. */
    public ObservableList<Entry> variantSettings() {
        return variantSettings;
    }

    /** One entry per reward, in project order. */
    public List<Entry> rewardWeights() {
        return List.copyOf(rewardWeights);
    }

    /** One entry per {@link TrainingSettings#SPECS}, in declaration order. */
    public List<Entry> training() {
        return List.copyOf(training);
    }

    /** Every entry, in display order: variant name, variant settings, reward weights, training. */
    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        if (variantName != null) {
            out.add(variantName);
        }
        out.addAll(variantSettings);
        out.addAll(rewardWeights);
        out.addAll(training);
        return out;
    }

    /** The entry at a dotted path, or null. */
    public Entry entry(String path) {
        for (Entry e : all()) {
            if (e.path().equals(path)) {
                return e;
            }
        }
        return null;
    }

    public ReadOnlyIntegerProperty invalidCountProperty() {
        return invalidCount.getReadOnlyProperty();
    }

    public int invalidCount() {
        return invalidCount.get();
    }

    /** False while any entry's text fails its spec. */
    public boolean valid() {
        return invalidCount.get() == 0;
    }

    /**
     * The edits as loader overrides: dotted path to coerced value (Integer, Double, String or Boolean), for each
     * valid entry whose value differs from what the loader would use without it. Invalid entries are left
     * out; check {@link #valid()} before starting a run.
     */
    public Map<String, Object> overrides() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : all()) {
            if (e.changed()) {
                out.put(e.path(), e.value());
            }
        }
        return out;
    }
}
