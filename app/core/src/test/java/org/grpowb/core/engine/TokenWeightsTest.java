package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;
import org.grpowb.core.project.TrainingSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * THR-guided token advantages on a step of three hand-made groups (V = 3, d = 2), whose THR is worked out in
 * {@code TokenHiddenRewardTest}; β_τ = .5 throughout.
 * <pre>
 * group A: A = (1, −1), rollout 0 correct.   THR (.38, .24), (−.22, .06); τ = .155: dominant (✓ ✓), (✓ ·)
 * group B: A = (.5, .5, −1), 0 and 1 correct. THR (.36, .03), (.64, .09), (1.06); τ = .195: (✓ ·), (✓ ·), (✓)
 * group C: A = (.25, −.25), all wrong.        no THR: A_j on every token
 * </pre>
 */
class TokenWeightsTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static final List<List<int[]>> TOKENS = List.of(
            List.of(new int[] {0, 1}, new int[] {0, 2}),
            List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {1}),
            List.of(new int[] {1}, new int[] {2, 2}));
    private static final double[][] ADVANTAGES = {{1, -1}, {0.5, 0.5, -1}, {0.25, -0.25}};
    private static final boolean[][] CORRECT = {{true, false}, {true, true, false}, {false, false}};

    /** The step's seven rows, group after group, T = 2; padding holds junk. */
    private static final double[][][] HIDDEN = {
            {{1, 0}, {0, 1}}, {{1, 1}, {2, -1}},
            {{1, 0}, {0, 1}}, {{1, 1}, {2, -1}}, {{1, -1}, {3, 3}},
            {{2, 1}, {5, 5}}, {{1, 3}, {-1, 2}}};
    private static final double[][][] PROBS = {
            {{0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}}, {{0.4, 0.4, 0.2}, {0.1, 0.1, 0.8}},
            {{0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}}, {{0.4, 0.4, 0.2}, {0.1, 0.1, 0.8}}, {{0.3, 0.3, 0.4}, {0.25, 0.25, 0.5}},
            {{0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}}, {{0.6, 0.2, 0.2}, {0.3, 0.3, 0.4}}};

    private static TokenWeights.Result weigh(double p, String mode, boolean thr, HandFeatures policy) {
        TrainingSettings settings = TrainingSettings.from(Settings.resolve(TrainingSettings.SPECS, Map.of(
                "thr", thr, "thr_reweight", p, "thr_tau_beta", 0.5, "thr_mode", mode), "test"));
        List<int[]> prompts = new ArrayList<>();
        List<List<SampledCompletion>> groups = new ArrayList<>();
        List<GroupAdvantages> advantages = new ArrayList<>();
        for (int g = 0; g < TOKENS.size(); g++) {
            prompts.add(new int[] {1, 2});
            List<SampledCompletion> group = new ArrayList<>();
            for (int[] y : TOKENS.get(g)) {
                group.add(new SampledCompletion(y, new float[y.length], new float[y.length], false));
            }
            groups.add(group);
            int size = group.size();
            boolean[] keep = new boolean[size];
            Arrays.fill(keep, true);
            advantages.add(new GroupAdvantages(ADVANTAGES[g], keep, 0, new double[size]));
        }
        List<List<int[]>> rolloutPrompts = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            rolloutPrompts.add(java.util.Collections.nCopies(groups.get(g).size(), prompts.get(g)));
        }
        return new TokenWeights(settings).weigh(policy, manager, rolloutPrompts, groups, advantages,
                Arrays.asList(CORRECT));
    }

    private static void assertAdvantages(float[][][] expected, TokenWeights.Result result) {
        for (int g = 0; g < expected.length; g++) {
            for (int j = 0; j < expected[g].length; j++) {
                assertArrayEquals(expected[g][j], result.tokenAdvantages().get(g)[j], 1e-6f, "group " + g + " rollout " + j);
            }
        }
    }

    @Test
    void pPositiveAmplifiesDominantTokensInTheDirectionOfTheirThr() {
        TokenWeights.Result r = weigh(0.5, "reweight", false, new HandFeatures());
        // dominant: A·(1 + .5·sgn THR); group A's rollout 1 token 0 has THR < 0 and A = −1: −1·(1 − .5) = −.5
        assertAdvantages(new float[][][] {
                {{1.5f, 1.5f}, {-0.5f, -1f}},
                {{0.75f, 0.5f}, {0.75f, 0.5f}, {-1.5f}},
                {{0.25f}, {-0.25f, -0.25f}}}, r);
        // reweighting needs THR, so it is there even with thr off; group C has none
        assertNotNull(r.thr());
        assertNull(r.thr().get(2));
        assertArrayEquals(new float[] {-0.22f, 0.06f}, r.thr().get(0)[1], 1e-6f);
    }

    @Test
    void pNegativeDampsThemInstead() {
        TokenWeights.Result r = weigh(-0.5, "reweight", true, new HandFeatures());
        assertAdvantages(new float[][][] {
                {{0.5f, 0.5f}, {-1.5f, -1f}},
                {{0.25f, 0.5f}, {0.25f, 0.5f}, {-0.5f}},
                {{0.25f}, {-0.25f, -0.25f}}}, r);
    }

    @Test
    void dominantOnlyZeroesTheOtherTokens() {
        assertAdvantages(new float[][][] {
                {{1.5f, 1.5f}, {-0.5f, 0f}},
                {{0.75f, 0f}, {0.75f, 0f}, {-1.5f}},
                {{0.25f}, {-0.25f, -0.25f}}}, weigh(0.5, "dominant_only", false, new HandFeatures()));
        // p = 0: dominant tokens keep A_j
        assertAdvantages(new float[][][] {
                {{1f, 1f}, {-1f, 0f}},
                {{0.5f, 0f}, {0.5f, 0f}, {-1f}},
                {{0.25f}, {-0.25f, -0.25f}}}, weigh(0, "dominant_only", false, new HandFeatures()));
    }

    /** p = 0 in mode reweight: THR is recorded and summarised but every token keeps A_j. */
    @Test
    void pZeroLeavesEveryAdvantageAlone() {
        TokenWeights.Result r = weigh(0, "reweight", true, new HandFeatures());
        assertAdvantages(new float[][][] {
                {{1f, 1f}, {-1f, -1f}},
                {{0.5f, 0.5f}, {0.5f, 0.5f}, {-1f}},
                {{0.25f}, {-0.25f, -0.25f}}}, r);
        assertArrayEquals(new float[] {0.38f, 0.24f}, r.thr().get(0)[0], 1e-6f);
        assertArrayEquals(new float[] {1.06f}, r.thr().get(1)[2], 1e-6f);
        assertNull(r.thr().get(2));
        Map<String, Double> m = r.summary();
        assertEquals(0.38 + 0.24 + 0.06 + 0.36 + 0.03 + 0.64 + 0.09 + 1.06, m.get("thr_pos_mass"), 1e-6);
        assertEquals(-0.22, m.get("thr_neg_mass"), 1e-6);
        assertEquals(6.0 / 9, m.get("thr_dominant_frac"), 1e-12);
        assertEquals(2.0 / 3, m.get("thr_groups_frac"), 1e-12);
        assertTrue(m.containsKey("thr_top_decile_share") && m.containsKey("thr_top_decile_mass"), m.toString());
    }

    @Test
    void withNothingAskedOfThrTheFeaturesAreNotRead() {
        HandFeatures policy = new HandFeatures();
        TokenWeights.Result r = weigh(0, "reweight", false, policy);
        assertEquals(0, policy.calls);
        assertNull(r.thr());
        assertTrue(r.summary().isEmpty());
        assertArrayEquals(new float[] {0.5f, 0.5f}, r.tokenAdvantages().get(1)[1]);
    }

    @Test
    void aModelWithoutFeaturesKeepsTheBroadcastAdvantages() {
        HandFeatures policy = new HandFeatures();
        policy.expose = false;
        TokenWeights.Result r = weigh(0.5, "dominant_only", true, policy);
        assertEquals(1, policy.calls);
        assertNull(r.thr());
        assertArrayEquals(new float[] {-1f, -1f}, r.tokenAdvantages().get(0)[1]);
    }

    @Test
    void anUnknownModeIsRefused() {
        TrainingSettings settings = TrainingSettings.from(Settings.resolve(TrainingSettings.SPECS, Map.of(), "test"));
        TrainingSettings.Signals sg = settings.signals();
        TrainingSettings odd = new TrainingSettings(settings.schedule(), settings.sampling(), settings.optimisation(),
                new TrainingSettings.Signals(sg.flipReference(), sg.passRateWindow(), sg.probeEvery(),
                        sg.probeRollouts(), sg.thr(), sg.thrReweight(), sg.thrTauBeta(), "everything",
                        sg.topEntropyQuantile()));
        assertThrows(IllegalArgumentException.class, () -> new TokenWeights(odd));
    }

    /** A policy that only has last-layer features: the hand-made ones above, checked against the rows it is asked for. */
    private static final class HandFeatures implements PolicyModel {

        int calls;
        boolean expose = true;

        @Override
        public Optional<TokenFeatures> features(NDManager m, List<int[]> prompts, List<int[]> completions) {
            calls++;
            List<int[]> expected = TOKENS.stream().flatMap(List::stream).toList();
            assertEquals(expected.size(), completions.size());
            for (int r = 0; r < expected.size(); r++) {
                assertArrayEquals(expected.get(r), completions.get(r));
            }
            if (!expose) {
                return Optional.empty();
            }
            int rows = HIDDEN.length;
            double[] mask = new double[rows * 2];
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < expected.get(r).length; t++) {
                    mask[r * 2 + t] = 1;
                }
            }
            NDArray hidden = m.create(Arrays.stream(HIDDEN).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream)
                    .toArray(), new Shape(rows, 2, 2));
            NDArray probs = m.create(Arrays.stream(PROBS).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream)
                    .toArray(), new Shape(rows, 2, 3));
            return Optional.of(TokenFeatures.dense(hidden, probs, m.create(mask, new Shape(rows, 2))));
        }

        @Override
        public TokenCodec codec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int contextLength() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Device device() {
            return Device.cpu();
        }

        @Override
        public List<List<SampledCompletion>> sample(List<int[]> prompts, int groupSize, SamplingSettings settings,
                                                    long seed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenScores score(NDManager m, List<int[]> prompts, List<int[]> completions) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, NDArray> parameters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public PolicyModel copy() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void save(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void load(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "hand-made features";
        }

        @Override
        public void close() {
        }
    }
}
