package org.grpowb.core.project;

import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Settings of the supervised warm start ({@code sft:} in {@code project.yaml}).
 *
 * @param steps        optimiser steps
 * @param batch        examples per step
 * @param learningRate Adam learning rate
 * @param seed         seeds initialisation and batch order
 * @param from         the model folder the warm start begins from ({@code sft.from}, relative to the project), or
 *                     null to begin from random weights made from the model's settings; a Hugging Face model has no
 *                     architecture without its folder, so it needs one (e.g. written by {@code grpowb model init})
 */
public record SftSettings(int steps, int batch, double learningRate, long seed, Path from) {

    /** The key of {@link #from} in the {@code sft:} section: a path, so it is read beside the declared settings. */
    public static final String FROM = "from";

    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.integer("steps", "supervised steps", 300, 1, 10_000_000),
            SettingSpec.integer("batch", "examples per step", 64, 1, 100_000),
            SettingSpec.number("learning_rate", "Adam learning rate", 1e-3, 0, 1),
            SettingSpec.integer("seed", "seed for initialisation and batch order", 1, 0, Integer.MAX_VALUE));

    public static SftSettings from(Settings s, Path from) {
        return new SftSettings(s.integer("steps"), s.integer("batch"), s.number("learning_rate"), s.integer("seed"),
                from);
    }
}
