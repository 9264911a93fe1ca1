package org.grpowb.hf.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which linear layers of the decoder carry a low-rank adapter, and how large it is (Hu et al. 2021, "LoRA: Low-Rank
 * Adaptation of Large Language Models"): a targeted projection computes {@code y = x·Wᵀ (+ b) + (α/r)·(x·Aᵀ)·Bᵀ} with
 * W frozen, A [r × in] and B [out × r] trained.
 *
 * <p>Modules are named as PEFT names them ({@code target_modules}): the last part of the module's path, e.g.
 * {@code q_proj} matches {@code model.layers.*.self_attn.q_proj} in every layer. {@code all-linear} is PEFT's shorthand
 * for every linear layer but the output one ({@code lm_head}).
 *
 * @param rank          r, the adapters' inner width
 * @param alpha         α; the update is scaled by α / r
 * @param targetModules the targeted modules, in the decoder's order ({@link #MODULES})
 */
public record LoraConfig(int rank, double alpha, List<String> targetModules) {

    /** The linear layers of a Llama-family block, in the order a block runs them. */
    public static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    /** PEFT's name for every linear layer but the output layer. */
    public static final String ALL_LINEAR = "all-linear";

    /**
     * PEFT's targets when none are given, for llama, mistral and qwen2 alike
     * ({@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING}): the query and value projections, as in the LoRA
     * paper's GPT-3 experiments.
     */
    public static final List<String> PEFT_DEFAULT_TARGETS = List.of("q_proj", "v_proj");

    /** PEFT's {@code LoraConfig.lora_alpha} default. */
    public static final double PEFT_DEFAULT_ALPHA = 8;

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        List<String> ordered = new ArrayList<>();
        for (String m : MODULES) {
            if (targetModules.contains(m)) {
                ordered.add(m);
            }
        }
        for (String m : targetModules) {
            if (!MODULES.contains(m)) {
                throw new IllegalArgumentException("'" + m + "' matches no module of the decoder; modules: "
                        + String.join(", ", MODULES) + ", or " + ALL_LINEAR);
            }
        }
        targetModules = List.copyOf(ordered);
    }

    /**
     * The project's settings: none when {@code lora_rank} is 0 (full fine-tuning), which then must not come with an
     * alpha or targets.
     *
     * @param rank    {@code lora_rank}
     * @param alpha   {@code lora_alpha}; 0 for PEFT's default ({@link #PEFT_DEFAULT_ALPHA})
     * @param targets {@code lora_target_modules}: names separated by commas or spaces, {@code all-linear}, or empty
     *                for PEFT's default ({@link #PEFT_DEFAULT_TARGETS})
     * @throws IllegalArgumentException naming the setting at fault
     */
    public static Optional<LoraConfig> fromSettings(int rank, double alpha, String targets) {
        List<String> names = split(targets);
        if (rank == 0) {
            if (alpha != 0) {
                throw new IllegalArgumentException("'lora_alpha' is " + alpha + " but 'lora_rank' is 0 (full "
                        + "fine-tuning, no adapters): set lora_rank > 0 for LoRA, or leave lora_alpha out");
            }
            if (!names.isEmpty()) {
                throw new IllegalArgumentException("'lora_target_modules' is '" + targets + "' but 'lora_rank' is 0 "
                        + "(full fine-tuning, no adapters): set lora_rank > 0 for LoRA, or leave lora_target_modules out");
            }
            return Optional.empty();
        }
        if (rank < 0) {
            throw new IllegalArgumentException("'lora_rank' must be 0 (full fine-tuning) or positive, got " + rank);
        }
        if (alpha < 0 || Double.isNaN(alpha) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("'lora_alpha' must be positive (or 0 for PEFT's default, 8), got "
                    + alpha);
        }
        List<String> modules;
        if (names.isEmpty()) {
            modules = PEFT_DEFAULT_TARGETS;
        } else if (names.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(ALL_LINEAR))) {
            if (names.size() > 1) {
                throw new IllegalArgumentException("'lora_target_modules': " + ALL_LINEAR + " already names every "
                        + "linear layer; give it alone, not with " + names);
            }
            modules = MODULES;
        } else {
            modules = names;
            for (String m : names) {
                if (!MODULES.contains(m)) {
                    throw new IllegalArgumentException("'lora_target_modules': '" + m + "' matches no module of the "
                            + "decoder; modules: " + String.join(", ", MODULES) + ", or " + ALL_LINEAR + " for all of them");
                }
            }
        }
        return Optional.of(new LoraConfig(rank, alpha == 0 ? PEFT_DEFAULT_ALPHA : alpha, modules));
    }

    /** α / r, the factor of every adapter's output. */
    public double scale() {
        return alpha / rank;
    }

    /** Whether {@code module} (e.g. {@code q_proj}) carries an adapter. */
    public boolean targets(String module) {
        return targetModules.contains(module);
    }

    /** The path of a module in layer {@code layer}, as transformers names it (its weight is this + ".weight"). */
    public static String modulePath(int layer, String module) {
        String block = MODULES.indexOf(module) < 4 ? "self_attn." : "mlp.";
        return "model.layers." + layer + "." + block + module;
    }

    /** The targeted modules' paths, layer by layer. */
    public List<String> modulePaths(int layers) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            for (String m : targetModules) {
                paths.add(modulePath(i, m));
            }
        }
        return paths;
    }

    private static List<String> split(String targets) {
        Set<String> names = new LinkedHashSet<>();
        if (targets != null) {
            for (String s : targets.split("[,\\s]+")) {
                if (!s.isBlank()) {
                    names.add(s.trim());
                }
            }
        }
        return List.copyOf(names);
    }
}
