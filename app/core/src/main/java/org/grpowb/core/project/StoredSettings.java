package org.grpowb.core.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a run was started with, read back from the config the store keeps, as loader overrides: a resumed run
 * keeps its training and variant settings even if the project file changed since.
 */
public final class StoredSettings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredSettings() {
    }

    /**
     * {@code training.*}, {@code variant.name}, {@code variant.settings.*} and {@code rewards.<i>.weight} of a stored
     * run's resolved config.
     */
    public static Map<String, Object> overrides(String configJson) {
        Map<String, Object> o = new LinkedHashMap<>();
        try {
            JsonNode cfg = JSON.readTree(configJson);
            for (Iterator<Map.Entry<String, JsonNode>> it = cfg.path("training").fields(); it.hasNext(); ) {
                var e = it.next();
                o.put("training." + e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
            }
            o.put("variant.name", cfg.path("variant").path("name").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = cfg.path("variant").path("settings").fields(); it.hasNext(); ) {
                var e = it.next();
                o.put("variant.settings." + e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
            }
            JsonNode rewards = cfg.path("rewards");
            for (int i = 0; i < rewards.size(); i++) {
                if (rewards.get(i).has("weight")) {
                    o.put("rewards." + i + ".weight", rewards.get(i).get("weight").asDouble());
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("the stored run config is not JSON", e);
        }
        return o;
    }
}
