package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenScores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TinyGptSamplingTest {

    private static NDManager base;
    private static TinyGpt model;
    /** Three prompts of different lengths, so rows carry different left padding. */
    private static final List<int[]> PROMPTS = TestModels.encode("ab", "hello", "x=1+2\n");

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
        model = TestModels.model(base, 7, Map.of());
    }

    @AfterAll
    static void tearDown() {
        model.close();
        base.close();
    }

    @Test
    void sameSeedGivesSameWeightsAndDifferentSeedDifferentOnes() {
        try (TinyGpt twin = TestModels.model(base, 7, Map.of()); TinyGpt other = TestModels.model(base, 8, Map.of())) {
            assertEquals(List.copyOf(model.parameters().keySet()), List.copyOf(twin.parameters().keySet()));
            for (String name : model.parameters().keySet()) {
                assertArrayEquals(model.parameters().get(name).toFloatArray(), twin.parameters().get(name).toFloatArray(), name);
            }
            assertFalse(java.util.Arrays.equals(model.parameters().get("tok_emb").toFloatArray(),
                    other.parameters().get("tok_emb").toFloatArray()));
        }
    }

    @Test
    void parametersHaveStableNamesAndGradients() {
        List<String> names = List.copyOf(model.parameters().keySet());
        assertEquals(List.of("tok_emb", "pos_emb", "h0.ln1.g", "h0.ln1.b", "h0.attn.qkv.w", "h0.attn.qkv.b",
                "h0.attn.proj.w", "h0.attn.proj.b", "h0.ln2.g", "h0.ln2.b", "h0.mlp.fc.w", "h0.mlp.fc.b",
                "h0.mlp.proj.w", "h0.mlp.proj.b"), names.subList(0, 14));
        assertEquals(List.of("lnf.g", "lnf.b"), names.subList(names.size() - 2, names.size()));
        assertEquals(2 + 12 * 2 + 2, names.size());
        model.parameters().values().forEach(p -> assertTrue(p.hasGradient()));
        assertEquals(97 * 64, model.parameters().get("tok_emb").size());
        assertEquals("tiny-gpt 2x64, 4 heads, ctx 32, 0.1M params, float32, cpu()", model.describe());
    }

    @Test
    void sameSeedSamplesTheSameCompletions() {
        SamplingSettings settings = new SamplingSettings(1.0, 0.9, 8, true);
        List<List<SampledCompletion>> a = model.sample(PROMPTS, 4, settings, 123);
        List<List<SampledCompletion>> b = model.sample(PROMPTS, 4, settings, 123);
        List<List<SampledCompletion>> c = model.sample(PROMPTS, 4, settings, 124);
        assertEquals(tokens(a), tokens(b));
        assertNotEquals(tokens(a), tokens(c));
        assertEquals(3, a.size());
        a.forEach(group -> assertEquals(4, group.size()));
    }

    @Test
    void greedyTokensAreTheSameWithAndWithoutTheCache() {
        List<List<SampledCompletion>> cached = model.sample(PROMPTS, 2, new SamplingSettings(0, 1, 12, true), 1);
        List<List<SampledCompletion>> full = model.sample(PROMPTS, 2, new SamplingSettings(0, 1, 12, false), 1);
        assertEquals(tokens(cached), tokens(full));
        List<SampledCompletion> a = flatten(cached);
        List<SampledCompletion> b = flatten(full);
        for (int i = 0; i < a.size(); i++) {
            assertClose(a.get(i).logProbs(), b.get(i).logProbs(), 1e-4, "log-probs of row " + i);
            assertEquals(a.get(i).truncated(), b.get(i).truncated());
        }
        // greedy draws no random numbers: the rows of a group agree
        cached.forEach(group -> assertArrayEquals(group.get(0).tokens(), group.get(1).tokens()));
    }

    @Test
    void sampledLogProbsMatchScoreAcrossPromptLengths() {
        sampledLogProbsMatchScoreAt(1.0);
    }

    /** π_old recorded while sampling at T ≠ 1 is the tempered policy, and score at T gives the same numbers. */
    @Test
    void sampledLogProbsAtATemperatureMatchScoreAtThatTemperature() {
        sampledLogProbsMatchScoreAt(0.6);
        try (NDManager m = base.newSubManager()) {
            List<int[]> completions = TestModels.encode("cd", "e", "fgh");
            float[] plain = model.score(m, PROMPTS, completions).logProbs().toFloatArray();
            float[] hot = model.score(m, PROMPTS, completions, 0.6).logProbs().toFloatArray();
            boolean differs = false;
            for (int k = 0; k < plain.length; k++) {
                differs |= Math.abs(plain[k] - hot[k]) > 1e-3;
            }
            assertTrue(differs, "scoring at T = 0.6 must differ from T = 1");
        }
    }

    private void sampledLogProbsMatchScoreAt(double temperature) {
        for (boolean useCache : new boolean[] {true, false}) {
            List<List<SampledCompletion>> groups = model.sample(PROMPTS, 3,
                    new SamplingSettings(temperature, 1, 9, useCache), 5);
            List<int[]> prompts = new ArrayList<>();
            List<int[]> completions = new ArrayList<>();
            List<SampledCompletion> rows = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                for (SampledCompletion c : groups.get(i)) {
                    prompts.add(PROMPTS.get(i));
                    completions.add(c.tokens());
                    rows.add(c);
                }
            }
            try (NDManager m = base.newSubManager()) {
                TokenScores scores = model.score(m, prompts, completions, temperature);
                int steps = Math.toIntExact(scores.logProbs().getShape().get(1));
                float[] logProbs = scores.logProbs().toFloatArray();
                float[] entropies = scores.entropies().toFloatArray();
                float[] mask = scores.mask().toFloatArray();
                for (int r = 0; r < rows.size(); r++) {
                    SampledCompletion c = rows.get(r);
                    for (int t = 0; t < steps; t++) {
                        int k = r * steps + t;
                        if (t < c.length()) {
                            assertEquals(1f, mask[k]);
                            assertEquals(c.logProbs()[t], logProbs[k], 1e-4, "cache=" + useCache + " row " + r + " t " + t);
                            assertEquals(c.entropies()[t], entropies[k], 1e-4, "entropy, row " + r + " t " + t);
                        } else {
                            assertEquals(0f, mask[k]);
                            assertEquals(0f, logProbs[k], 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowsStopAtEosAtTheBudgetOrAtTheContext() {
        // temperature 3 makes EOS (1 in 97) likely somewhere in 64 rows of 10 tokens
        List<SampledCompletion> rows = flatten(model.sample(PROMPTS, 20, new SamplingSettings(3.0, 1, 10, true), 9));
        boolean sawEos = false;
        for (SampledCompletion c : rows) {
            int eos = indexOf(c.tokens(), CharCodec.EOS);
            if (eos >= 0) {
                sawEos = true;
                assertEquals(c.length() - 1, eos, "EOS is the last token");
                assertFalse(c.truncated());
            } else {
                assertEquals(10, c.length());
                assertTrue(c.truncated());
            }
        }
        assertTrue(sawEos);
        // a 30-token prompt leaves room for 2 tokens in a 32-token context
        int[] longPrompt = CharCodec.INSTANCE.encode("a".repeat(30));
        List<List<SampledCompletion>> groups = model.sample(List.of(longPrompt, new int[] {3}), 2, SamplingSettings.greedy(10), 0);
        for (int i = 0; i < 2; i++) {
            int room = i == 0 ? 2 : 10;
            for (SampledCompletion c : groups.get(i)) {
                boolean endsWithEos = c.tokens()[c.length() - 1] == CharCodec.EOS;
                assertTrue(endsWithEos ? !c.truncated() && c.length() <= room : c.truncated() && c.length() == room,
                        "prompt " + i + ": " + c.length() + " tokens, truncated=" + c.truncated());
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> model.sample(List.of(CharCodec.INSTANCE.encode("a".repeat(32))), 1, SamplingSettings.greedy(4), 0));
        assertThrows(IllegalArgumentException.class, () -> model.sample(List.of(new int[0]), 1, SamplingSettings.greedy(4), 0));
    }

    @Test
    void repeatedCallsFreeWhatTheyAllocate() {
        List<NDArray> before = base.getManagedArrays();
        for (int i = 0; i < 50; i++) {
            model.sample(PROMPTS, 4, new SamplingSettings(1.0, 0.95, 6, i % 2 == 0), i);
        }
        for (int i = 0; i < 10; i++) {
            try (NDManager m = base.newSubManager()) {
                model.score(m, PROMPTS, TestModels.encode("cd", "e", "fgh"));
            }
        }
        assertEquals(before.size(), base.getManagedArrays().size());
    }

    @Test
    void scoredRowsDoNotDependOnTheirBatchMates() {
        List<int[]> completions = List.of(TestModels.withEos("xyz"), TestModels.withEos("q"), TestModels.withEos("12345"));
        try (NDManager m = base.newSubManager()) {
            float[] together = model.score(m, PROMPTS, completions).logProbs().toFloatArray();
            int steps = 6;
            for (int r = 0; r < 3; r++) {
                float[] alone = model.score(m, List.of(PROMPTS.get(r)), List.of(completions.get(r))).logProbs().toFloatArray();
                for (int t = 0; t < alone.length; t++) {
                    assertEquals(alone[t], together[r * steps + t], 1e-5, "row " + r + " t " + t);
                }
            }
            TokenScores s = model.score(m, PROMPTS, completions);
            assertEquals(DataType.FLOAT32, s.mask().getDataType());
            assertTrue(s.logProbs().getManager() == m);
        }
    }

    @Test
    void emptyCompletionsScoreAsPadding() {
        try (NDManager m = base.newSubManager()) {
            TokenScores some = model.score(m, PROMPTS, List.of(new int[0], TestModels.withEos("ab"), new int[0]));
            assertEquals(new ai.djl.ndarray.types.Shape(3, 3), some.logProbs().getShape());
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 0, 0, 0}, some.mask().toFloatArray());
            TokenScores none = model.score(m, PROMPTS, List.of(new int[0], new int[0], new int[0]));
            assertEquals(new ai.djl.ndarray.types.Shape(3, 0), none.logProbs().getShape());
        }
        assertThrows(IllegalArgumentException.class, () -> model.score(base, PROMPTS, List.of(new int[0])));
        assertThrows(IllegalArgumentException.class,
                () -> model.score(base, List.of(new int[] {2}), List.of(CharCodec.INSTANCE.encode("a".repeat(32)))));
    }

    private static List<SampledCompletion> flatten(List<List<SampledCompletion>> groups) {
        List<SampledCompletion> rows = new ArrayList<>();
        groups.forEach(rows::addAll);
        return rows;
    }

    private static List<List<Integer>> tokens(List<List<SampledCompletion>> groups) {
        List<List<Integer>> out = new ArrayList<>();
        for (SampledCompletion c : flatten(groups)) {
            List<Integer> row = new ArrayList<>();
            for (int t : c.tokens()) {
                row.add(t);
            }
            out.add(row);
        }
        return out;
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    private static void assertClose(float[] a, float[] b, double tolerance, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tolerance, what + " [" + i + "]");
        }
    }
}
