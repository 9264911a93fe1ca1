package org.grpowb.core.store;

/**
 * A checkpoint the run saved.
 *
 * @param step the step after which the weights were saved
 * @param path where the checkpoint lies, as the engine gave it
 */
public record CheckpointRow(int step, String path) {
}
