package org.grpowb.desktop.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reward added from the window lands in project.yaml as a user would type it, every other line kept. */
class ProjectRewardsTest {

    @TempDir
    Path dir;

    @Test
    void appendsAfterTheLastItemAtItsIndentationKeepingComments() throws IOException {
        Path yaml = dir.resolve("project.yaml");
        Files.writeString(yaml, "name: x\nrewards:\n  # the verifier\n  - name: exact_answer\n    weight: 1.0\n\n"
                + "training:\n  steps: 3\n");
        ProjectRewards.add(yaml, "no_repeat", 0.2);
        assertEquals("name: x\nrewards:\n  # the verifier\n  - name: exact_answer\n    weight: 1.0\n"
                + "  - name: no_repeat\n    weight: 0.2\n\ntraining:\n  steps: 3\n", Files.readString(yaml));
    }

    @Test
    void anUnindentedListAndAMissingListAreBothExtended() throws IOException {
        Path flush = dir.resolve("flush.yaml");
        Files.writeString(flush, "rewards:\n- name: a\n  weight: 1\n");
        ProjectRewards.add(flush, "b", 1.0);
        assertEquals(List.of("rewards:", "- name: a", "  weight: 1", "- name: b", "  weight: 1.0"),
                Files.readAllLines(flush));
        Path none = dir.resolve("none.yaml");
        Files.writeString(none, "name: y\n");
        ProjectRewards.add(none, "odd name", 2.0);
        assertEquals("name: y\nrewards:\n  - name: \"odd name\"\n    weight: 2.0\n", Files.readString(none));
    }

    @Test
    void anInlineListIsRefusedNamingTheFileAndLine() throws IOException {
        Path yaml = dir.resolve("inline.yaml");
        Files.writeString(yaml, "name: z\nrewards: [{name: a, weight: 1}]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProjectRewards.add(yaml, "b", 1.0));
        assertTrue(e.getMessage().startsWith(yaml + ":2: rewards: is written inline"), e.getMessage());
        assertEquals("name: z\nrewards: [{name: a, weight: 1}]\n", Files.readString(yaml), "left as it was");
        assertThrows(IllegalArgumentException.class, () -> ProjectRewards.add(yaml, "b", Double.NaN));
    }
}
