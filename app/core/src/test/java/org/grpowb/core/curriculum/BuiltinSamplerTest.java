package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class BuiltinSamplerTest {

    @Test
    void everyBuiltInByNameFreshEachTime() {
        assertEquals(List.of("uniform", "dynamic", "staged", "variance_aware", "prompt_gdro", "rollout_gdro"),
                BuiltinSamplers.all().stream().map(PromptSampler::name).toList());
        for (PromptSampler s : BuiltinSamplers.all()) {
            PromptSampler again = BuiltinSamplers.byName(s.name()).orElseThrow();
            assertEquals(s.getClass(), again.getClass());
            assertNotSame(again, BuiltinSamplers.byName(s.name()).orElseThrow());
            // the declared defaults resolve and configure
            again.configure(Settings.resolve(again.settings(), Map.of(), s.name()));
            assertTrue(!again.description().isBlank());
        }
        assertTrue(BuiltinSamplers.byName("unifrom").isEmpty());
    }
}
