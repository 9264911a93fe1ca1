package org.grpowb.core.curriculum;

import java.util.List;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * DAPO's dynamic sampling ("DAPO: An Open-Source LLM Reinforcement Learning System at Scale", Yu et al. 2025): a group
 * whose rewards are all equal has zero advantage for every rollout and carries no policy gradient, so it is dropped
 * and the batch is filled again with freshly drawn prompts, for up to {@code max_resample_rounds} refill rounds.
 * Prompts are chosen as {@link UniformSampler} chooses them; refills never repeat a prompt of the same step.
 */
public final class DynamicSampler implements PromptSampler {

    private final UniformSampler uniform = new UniformSampler();
    private int maxRounds = 3;

    @Override
    public String name() {
        return "dynamic";
    }

    @Override
    public String description() {
        return "DAPO dynamic sampling: drop groups whose rewards are all equal and refill with fresh prompts";
    }

    @Override
    public List<SettingSpec> settings() {
        // 3: the engine's max_resample_rounds default; DAPO itself samples until the batch is full, unbounded
        return List.of(SettingSpec.integer("max_resample_rounds",
                "refill rounds per step for groups whose rewards were all equal (ours: 3, the engine's default)", 3, 0, 100));
    }

    @Override
    public void configure(Settings settings) {
        maxRounds = settings.integer("max_resample_rounds");
    }

    @Override
    public List<Draw> draw(Round round) {
        return uniform.draw(round);
    }

    @Override
    public boolean keeps(GroupOutcome group) {
        return !group.rewardsAllEqual();
    }

    @Override
    public int maxRefillRounds() {
        return maxRounds;
    }
}
