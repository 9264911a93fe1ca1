package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignFlipsTest {

    @TempDir
    Path dir;

    @Test
    void aNoisyGroupMeanFlipsTheSignOfARolloutTheReferenceJudgesOtherwise() {
        // G = 2, rewards 1, 0: group mean 0.5. The prompt's true pass rate is 0.9, so the reference says the 1 is
        // barely above expectation (+0.1) and the 0 far below (−0.9): signs agree, nothing flips.
        int[] counted = new int[1];
        assertArrayEquals(new boolean[]{false, false},
                SignFlips.flipped(new double[]{1, 0}, 0.5, OptionalDouble.of(0.9), counted));
        assertEquals(2, counted[0]);
        // Rewards 1, 1, 0, 1: mean 0.75. Reference 0.2 (a hard prompt): the 0 has group advantage −0.75 and reference
        // advantage −0.2 (agree); the 1s agree too. With reference 1.0 every 1 sits exactly on it (not counted).
        counted[0] = 0;
        assertArrayEquals(new boolean[]{false, false, false, false},
                SignFlips.flipped(new double[]{1, 1, 0, 1}, 0.75, OptionalDouble.of(1.0), counted));
        assertEquals(1, counted[0]);
        // Partial rewards 0.6, 0.2, 0.1: mean 0.3. Reference 0.15: the 0.2 is below the group mean (−0.1) but above
        // the reference (+0.05): flipped.
        counted[0] = 0;
        assertArrayEquals(new boolean[]{false, true, false},
                SignFlips.flipped(new double[]{0.6, 0.2, 0.1}, 0.3, OptionalDouble.of(0.15), counted));
        assertEquals(3, counted[0]);
        // No reference yet: nothing is judged.
        counted[0] = 0;
        assertArrayEquals(new boolean[]{false, false},
                SignFlips.flipped(new double[]{1, 0}, 0.5, OptionalDouble.empty(), counted));
        assertEquals(0, counted[0]);
    }

    @Test
    void theRunningPassRateAveragesTheLastVisitsAndSurvivesACheckpoint() throws Exception {
        SignFlips f = new SignFlips(2);
        assertEquals(OptionalDouble.empty(), f.reference("p"));
        f.observe("p", 0.0);
        f.observe("p", 1.0);
        f.observe("p", 0.5);
        assertEquals(0.75, f.reference("p").getAsDouble(), 1e-12, "window of 2: (1 + 0.5) / 2");
        f.probe("q", 0.3);
        f.save(dir.resolve("s.json"));
        SignFlips g = new SignFlips(2);
        g.load(dir.resolve("s.json"));
        assertEquals(0.75, g.reference("p").getAsDouble(), 1e-12);
        assertEquals(0.3, g.reference("q").getAsDouble(), 1e-12, "a probe estimate wins over the running mean");
    }
}
