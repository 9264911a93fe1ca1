package org.grpowb.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NextTokenSamplerTest {

    @Test
    void uniformLogitsHaveLogProbMinusLogVAndEntropyLogV() {
        NextTokenSampler.Draw d = new NextTokenSampler(1, 1, new Random(0)).draw(new double[97]);
        assertEquals(-Math.log(97), d.logProb(), 1e-6);
        assertEquals(Math.log(97), d.entropy(), 1e-6);
    }

    @Test
    void greedyTakesTheFirstHighestLogitAndRecordsTheUntemperedLogProb() {
        double[] logits = {0, 2, 2, 1};
        NextTokenSampler.Draw d = new NextTokenSampler(0, 1, new Random(0)).draw(logits);
        assertEquals(1, d.token());
        double z = 1 + 2 * Math.exp(2) + Math.exp(1);
        assertEquals(2 - Math.log(z), d.logProb(), 1e-6);
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // softmax ≈ (0.84, 0.11, 0.04, 0.01): top-p 0.8 keeps token 0 alone, 0.9 keeps tokens 0 and 1
        double[] logits = {4, 2, 1, 0};
        NextTokenSampler narrow = new NextTokenSampler(1, 0.8, new Random(1));
        NextTokenSampler wider = new NextTokenSampler(1, 0.9, new Random(1));
        int[] counts = new int[4];
        for (int i = 0; i < 2000; i++) {
            assertEquals(0, narrow.draw(logits).token());
            counts[wider.draw(logits).token()]++;
        }
        assertEquals(0, counts[2] + counts[3]);
        assertTrue(counts[1] > 150 && counts[1] < 350, "token 1 drawn " + counts[1] + " times, expected ~0.11/0.95 of 2000");
    }

    @Test
    void temperatureFlattensTheProposalAndTheRecordedLogProbIsTheTemperedOne() {
        double[] logits = {Math.log(0.9), Math.log(0.1)};
        NextTokenSampler hot = new NextTokenSampler(1e6, 1, new Random(2));
        int ones = 0;
        for (int i = 0; i < 4000; i++) {
            NextTokenSampler.Draw d = hot.draw(logits);
            if (d.token() == 1) {
                ones++;
                assertEquals(Math.log(0.5), d.logProb(), 1e-5, "near-infinite T: the tempered distribution is uniform");
                assertEquals(Math.log(2), d.entropy(), 1e-5);
            }
        }
        assertTrue(Math.abs(ones - 2000) < 200, "a near-infinite temperature draws uniformly: " + ones);
    }

    @Test
    void atTemperatureTwoTheRecordedLogProbIsThatOfSoftmaxOfHalfTheLogits() {
        // logits 0 and 2 at T = 2: softmax(0, 1) = (1, e) / (1 + e)
        double[] logits = {0, 2};
        NextTokenSampler.Draw d = new NextTokenSampler(2, 1, new Random(3)).draw(logits);
        double z = 1 + Math.E;
        double expected = d.token() == 0 ? -Math.log(z) : 1 - Math.log(z);
        assertEquals(expected, d.logProb(), 1e-6);
        double p0 = 1 / z;
        double p1 = Math.E / z;
        assertEquals(-(p0 * Math.log(p0) + p1 * Math.log(p1)), d.entropy(), 1e-6);
    }
}
