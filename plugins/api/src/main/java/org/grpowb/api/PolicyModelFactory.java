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

    /** A model restored from a directory written by {@link PolicyModel#save}, keeping its saved architecture. */
    PolicyModel load(NDManager manager, Path dir) throws IOException;
}
