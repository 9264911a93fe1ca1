package org.grpowb.api;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    default Optional<MemoryNeeds> memoryNeeds(Path init, Settings settings) throws IOException {
        return Optional.empty();
    }

    /**
     * What a model folder holds (architecture, size, dtype, tokenizer, chat template), read without loading its
     * weights, for a window to show before a project is made around the folder and beside the project's model. Reads
     * the disk: call it off a UI thread.
     *
     * <p>Default: empty, for models whose folders are only their own checkpoints.
     *
     * @return the folder's card, or empty when this factory does not describe folders
     * @throws IOException naming the file at fault when the folder is not one this factory opens (no
     *                     {@code config.json}, no weights, an architecture it does not run)
     */
    default Optional<ModelCard> inspect(Path folder) throws IOException {
        return Optional.empty();
    }
}
