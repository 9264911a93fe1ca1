package org.grpowb.desktop.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunComparisonModelTest {

    @Test
    void flattensObjectsToDottedPathsAndKeepsArraysWhole() {
        Map<String, String> flat = RunComparisonModel.flatten(
                "{\"variant\":{\"name\":\"grpo\",\"settings\":{\"beta\":0.04,\"eps\":[0.2,0.28]}},\"seed\":7}");
        assertEquals(Map.of("variant.name", "grpo", "variant.settings.beta", "0.04",
                "variant.settings.eps", "[0.2,0.28]", "seed", "7"), flat);
    }

    @Test
    void malformedConfigComparesAsOneValue() {
        assertEquals(Map.of("config", "{oops"), RunComparisonModel.flatten("{oops"));
    }
}
