package org.grpowb.core.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stored run's config reads back as the loader overrides that restart it with the same settings. */
class StoredSettingsTest {

    @Test
    void trainingAndVariantSettingsBecomeOverrides() {
        Map<String, Object> o = StoredSettings.overrides("""
                {"name": "arithmetic", "training": {"steps": 5, "learning_rate": 0.001, "thr": true},
                 "variant": {"name": "dapo", "settings": {"epsilon_high": 0.28, "loss_type": "token"}},
                 "rewards": [{"name": "exact_answer", "weight": 1.0}, {"name": "answer_format", "weight": 0.1}]}""");
        assertEquals(Map.of("training.steps", 5, "training.learning_rate", 0.001, "training.thr", true,
                "variant.name", "dapo", "variant.settings.epsilon_high", 0.28, "variant.settings.loss_type", "token",
                "rewards.0.weight", 1.0, "rewards.1.weight", 0.1), o);
    }

    @Test
    void aConfigThatIsNotJsonIsAClearError() {
        var e = assertThrows(UncheckedIOException.class, () -> StoredSettings.overrides("steps: 5"));
        assertEquals("the stored run config is not JSON", e.getMessage());
    }
}
