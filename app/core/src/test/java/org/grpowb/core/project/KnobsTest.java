package org.grpowb.core.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class KnobsTest {

    /** A group used only here: one component of each kind. */
    record Demo(@Knob(doc = "an int", value = "3", min = 1, max = 9) int someCount,
                @Knob(doc = "a seed", value = "7", min = 0) long seed,
                @Knob(doc = "a rate", value = "1e-4", min = 0, max = 1) double learningRate,
                @Knob(doc = "a flag", value = "true") boolean kvCache,
                @Knob(doc = "a choice", value = "b", choices = {"a", "b"}) String mode,
                @Knob(doc = "a text", value = "") String systemPrompt) {
    }

    record Unannotated(int x) {
    }

    @Test
    void aComponentIsTheWholeDeclaration() {
        List<SettingSpec> specs = Knobs.specs(Demo.class);
        assertEquals(List.of("some_count", "seed", "learning_rate", "kv_cache", "mode", "system_prompt"),
                specs.stream().map(SettingSpec::name).toList());
        SettingSpec count = specs.get(0);
        assertEquals(SettingSpec.Kind.INTEGER, count.kind());
        assertEquals(3, count.defaultValue());
        assertEquals(1.0, count.min());
        assertEquals(9.0, count.max());
        assertEquals(Integer.MAX_VALUE, specs.get(1).max(), "an open upper bound is the type's");
        assertEquals(SettingSpec.Kind.NUMBER, specs.get(2).kind());
        assertEquals(1e-4, specs.get(2).defaultValue());
        assertEquals(SettingSpec.Kind.FLAG, specs.get(3).kind());
        assertEquals(List.of("a", "b"), specs.get(4).choices());
        assertEquals(SettingSpec.Kind.TEXT, specs.get(5).kind());

        Demo d = Knobs.read(Demo.class, Settings.resolve(specs, Map.of("some_count", 5, "mode", "a"), "t"));
        assertEquals(new Demo(5, 7L, 1e-4, true, "a", ""), d);
        var bad = assertThrows(IllegalArgumentException.class,
                () -> Settings.resolve(specs, Map.of("some_count", 10), "t"));
        assertTrue(bad.getMessage().contains("some_count"), bad.getMessage());
        assertThrows(IllegalStateException.class, () -> Knobs.specs(Unannotated.class));
    }

    @Test
    void theTrainingSectionKeepsItsNamesAndDefaults() {
        // the names users' project.yaml files already use, unchanged by the grouping
        List<String> names = TrainingSettings.SPECS.stream().map(SettingSpec::name).toList();
        for (String n : List.of("steps", "seed", "prompts_per_step", "group_size", "learning_rate",
                "update_iterations", "steps_per_generation", "max_grad_norm", "temperature", "top_p", "max_new_tokens",
                "kv_cache", "eval_every", "eval_examples", "checkpoint_every", "reward_timeout_ms",
                "max_nonfinite_in_a_row", "micro_batch", "micro_batch_tokens", "memory_check", "max_resample_rounds",
                "flip_reference", "pass_rate_window", "probe_every", "probe_rollouts", "thr", "thr_reweight",
                "thr_tau_beta", "thr_mode", "top_entropy_quantile", "eval_pass_k")) {
            assertTrue(names.contains(n), n);
        }
        TrainingSettings d = TrainingSettings.defaults();
        assertEquals(8, d.sampling().groupSize());
        assertEquals(16, d.sampling().promptsPerStep());
        assertEquals(1e-4, d.optimisation().learningRate());
        assertEquals("pass_rate", d.signals().flipReference());
        assertEquals(3, d.schedule().maxNonfiniteInARow());
        assertEquals(1L, d.schedule().seed());
    }

    @Test
    void tracesAreThinnedByStepAndGroup() {
        TrainingSettings t = TrainingSettings.from(Settings.resolve(TrainingSettings.SPECS,
                Map.of("traces_every_k_steps", 5, "traces_groups_per_step", 2), "t"));
        assertTrue(t.schedule().keepsFullTrace(10, 0));
        assertTrue(t.schedule().keepsFullTrace(10, 1));
        assertEquals(false, t.schedule().keepsFullTrace(10, 2));
        assertEquals(false, t.schedule().keepsFullTrace(11, 0));
        assertTrue(TrainingSettings.defaults().schedule().keepsFullTrace(7, 99), "by default every trace is kept");
    }
}
