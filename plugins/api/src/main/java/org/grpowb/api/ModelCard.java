package org.grpowb.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a model folder holds, read from its headers without loading a weight: what a window shows before a project is
 * made around the folder, and beside the project's model afterwards. Made by {@link PolicyModelFactory#inspect}.
 *
 * @param architecture the architecture's name as the folder gives it (a Hugging Face {@code model_type}, e.g.
 *                     {@code qwen2})
 * @param layers       decoder blocks
 * @param width        the residual width (hidden size)
 * @param parameters   elements of every weight (tied embeddings counted once)
 * @param dtype        how the weights are stored, e.g. {@code BF16}
 * @param vocabSize    rows of the embedding
 * @param maxPositions the longest sequence the model was trained for; a project's context must not exceed it
 * @param tokenizer    whether the folder has a tokenizer the workbench reads
 * @param chatTemplate whether the folder has a chat template
 * @param problems     what keeps the folder from training as it is (weights that disagree with the config, a missing
 *                     or unreadable tokenizer), each naming its file; empty when none
 */
public record ModelCard(String architecture, int layers, int width, long parameters, String dtype, int vocabSize,
                        int maxPositions, boolean tokenizer, boolean chatTemplate, List<String> problems) {

    public ModelCard {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(dtype, "dtype");
        problems = List.copyOf(problems);
    }

    /** One line, e.g. {@code qwen2 · 4 layers · 896 wide · 3.1 M params · BF16}. */
    public String line() {
        return architectureLine() + " · " + sizeLine();
    }

    /** The architecture, e.g. {@code qwen2 · 4 layers · 896 wide}. */
    public String architectureLine() {
        return architecture + " · " + layers + (layers == 1 ? " layer" : " layers") + " · " + width + " wide";
    }

    /** The size, e.g. {@code 3.1 M params · BF16}. */
    public String sizeLine() {
        return count(parameters) + " params · " + dtype;
    }

    /** A parameter count as people say it: {@code 17.1 k}, {@code 3.1 M}, {@code 494 M}, {@code 1.24 B}. */
    public static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 100_000_000L) {
            return String.format(Locale.ROOT, "%.0f M", n / 1e6);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        }
        return Long.toString(n);
    }
}
