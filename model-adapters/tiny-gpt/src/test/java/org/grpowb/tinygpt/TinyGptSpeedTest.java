package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenScores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of the default model at GRPO-step sizes: 16 prompts × G = 8 rows, prompts of 6 characters, 8 new tokens.
 * Off by default; run with {@code mvn -o test -Dtest=TinyGptSpeedTest -Dtinygpt.bench=true}.
 */
@EnabledIfSystemProperty(named = "tinygpt.bench", matches = "true")
class TinyGptSpeedTest {

    @Test
    void samplingAndScoringSpeed() {
        try (NDManager base = NDManager.newBaseManager(); TinyGpt model = TestModels.model(base, 1, Map.of())) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                prompts.add(CharCodec.INSTANCE.encode(String.format(Locale.ROOT, "%02d+%02d=", i, 3 * i % 17)));
            }
            for (int round = 0; round < 2; round++) {
                for (boolean cache : new boolean[] {true, false}) {
                    int calls = 5;
                    long tokens = 0;
                    long start = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        for (List<SampledCompletion> group : model.sample(prompts, 8, new SamplingSettings(1, 1, 8, cache), i)) {
                            for (SampledCompletion c : group) {
                                tokens += c.length();
                            }
                        }
                    }
                    double seconds = (System.nanoTime() - start) / 1e9 / calls;
                    System.out.printf(Locale.ROOT, "sample B=128, 8 new tokens, kv cache %-5s: %6.1f ms per call, %7.0f tokens/s%n",
                            cache, seconds * 1e3, tokens / (double) calls / seconds);
                }
            }
            List<int[]> rowPrompts = new ArrayList<>();
            List<int[]> completions = new ArrayList<>();
            for (int r = 0; r < 128; r++) {
                rowPrompts.add(prompts.get(r / 8));
                completions.add(TestModels.withEos(String.format(Locale.ROOT, "%09d", r * 7919)));
            }
            for (int round = 0; round < 2; round++) {
                int calls = 5;
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    try (NDManager m = base.newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.zeroGradients();
                        TokenScores s = model.score(m, rowPrompts, completions);
                        NDArray loss = s.logProbs().sum().div(s.mask().sum()).neg();
                        collector.backward(loss);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9 / calls;
                System.out.printf(Locale.ROOT, "score + backward B=128, 6 + 10 tokens: %6.1f ms%n", seconds * 1e3);
                assertTrue(seconds > 0);
            }
        }
    }
}
