package org.grpowb.api;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Makes {@link PolicyModel}s of one architecture; selected by name in {@code project.yaml} ({@code model: {name: ...}}). */
public interface PolicyModelFactory {

    String name();

    String description();

    List<SettingSpec> settings();

    /**
     * A freshly initialised model.
     *
     * @param manager owner of the model's parameters (its device is the model's device)
     * @param seed    seeds the initialisation, so the same seed gives the same weights
     */
    PolicyModel create(NDManager manager, Settings settings, long seed);

    /**
     * The tokenizer of models made with these settings, without building a model: lets a tool decode stored token
     * ids (the run store keeps ids, not text) from a run's config alone.
     */
    TokenCodec codec(Settings settings);

    /**
     * The same for a model that keeps its tokenizer in its {@code model.init} folder (a Hugging Face checkpoint).
     *
     * @param init the folder, or null when the project names none; by default unused
     */
    default TokenCodec codec(Settings settings, java.nio.file.Path init) {
        return codec(settings);
    }

    /** A model restored from a directory written by {@link PolicyModel#save}, keeping its saved architecture. */
    PolicyModel load(NDManager manager, Path dir) throws IOException;

    /**
     * A project's starting model from its {@code model.init} folder, with the project's model settings for what the
     * folder does not fix (e.g. the context a Hugging Face model is opened with). By default the settings are unused.
     */
    default PolicyModel load(NDManager manager, Path dir, Settings settings) throws IOException {
        return load(manager, dir);
    }

    /**
     * What a model opened from {@code init} with these settings will need in memory, read without loading its
     * weights; empty when the factory cannot tell (the run is then not checked).
     */
    default java.util.Optional<MemoryNeeds> memoryNeeds(Path init, Settings settings) throws IOException {
        return java.util.Optional.empty();
    }
}
