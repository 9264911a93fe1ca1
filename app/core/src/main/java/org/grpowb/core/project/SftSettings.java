package org.grpowb.core.project;

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
 */
public record SftSettings(int steps, int batch, double learningRate, long seed) {

    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.integer("steps", "supervised steps", 300, 1, 10_000_000),
            SettingSpec.integer("batch", "examples per step", 64, 1, 100_000),
            SettingSpec.number("learning_rate", "Adam learning rate", 1e-3, 0, 1),
            SettingSpec.integer("seed", "seed for initialisation and batch order", 1, 0, Integer.MAX_VALUE));

    public static SftSettings from(Settings s) {
        return new SftSettings(s.integer("steps"), s.integer("batch"), s.number("learning_rate"), s.integer("seed"));
    }
}
