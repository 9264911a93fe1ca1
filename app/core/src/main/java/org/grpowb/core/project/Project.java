package org.grpowb.core.project;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.Settings;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.hints.HintsConfig;
import org.grpowb.core.plugin.SteeringChoices;

/**
 * A loaded, validated project: everything a run needs, with every plugin resolved and every setting in bounds.
 *
 * @param dir            the project folder
 * @param file           its {@code project.yaml}
 * @param name           project name
 * @param data           train and eval examples
 * @param model          the policy's architecture and where its starting weights live
 * @param variant        the GRPO variant and its settings
 * @param rewards        reward functions with their weights
 * @param training       trainer settings
 * @param sft            warm-start settings
 * @param hints          the hint policy, its settings and the hints file ({@code hints:})
 * @param curriculum     the curriculum's stages and its prompt sampler ({@code curriculum:})
 * @param resolvedConfig the whole resolved configuration, as stored with each run
 * @param steering       the prompt samplers and hint policies a run of it may switch to: the built-in ones and its
 *                       trusted plugins'
 */
public record Project(Path dir, Path file, String name, Dataset data, ModelChoice model, VariantChoice variant,
                      List<RewardChoice> rewards, TrainingSettings training, SftSettings sft, HintsConfig hints,
                      CurriculumConfig curriculum, ObjectNode resolvedConfig,
                      SteeringChoices steering) {

    public Project {
        rewards = List.copyOf(rewards);
    }

    /**
     * @param factory makes the policy
     * @param settings architecture settings (used when starting from scratch)
     * @param init    folder of the starting weights (a saved checkpoint), or null to start from random weights
     */
    public record ModelChoice(PolicyModelFactory factory, Settings settings, Path init) {
    }

    public record VariantChoice(GrpoVariant variant, Settings settings) {
    }

    /**
     * @param function the configured reward function
     * @param weight   w_k, applied to each of its scores
     */
    public record RewardChoice(RewardFunction function, double weight, Settings settings) {
    }
}
