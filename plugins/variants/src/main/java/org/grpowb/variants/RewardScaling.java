package org.grpowb.variants;

import java.util.Arrays;
import java.util.List;

/**
 * What a group's centred rewards are divided by, named as in TRL's {@code scale_rewards} option of
 * {@code GRPOTrainer}.
 */
public enum RewardScaling {
    /** The standard deviation of the group's own rewards (DeepSeekMath's GRPO as written). */
    GROUP("group"),
    /** One standard deviation over every reward of the step's batch; rewards are still centred by their group mean. */
    BATCH("batch"),
    /** No division: A_i = r_i − mean(r), as Dr. GRPO argues (the std term biases towards too easy and too hard prompts). */
    NONE("none");

    private final String settingValue;

    RewardScaling(String settingValue) {
        this.settingValue = settingValue;
    }

    /** The value as written in a project file. */
    public String settingValue() {
        return settingValue;
    }

    /** Setting values of all options, in declaration order. */
    public static List<String> settingValues() {
        return Arrays.stream(values()).map(RewardScaling::settingValue).toList();
    }

    /**
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static RewardScaling of(String settingValue) {
        for (RewardScaling s : values()) {
            if (s.settingValue.equals(settingValue)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown reward scaling '" + settingValue + "'; known: " + settingValues());
    }
}
