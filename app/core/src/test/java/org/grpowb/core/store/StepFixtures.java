package org.grpowb.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;

/**
 * Deterministic steps for the store tests: the same arguments always build the same step. The version 1 fixture
 * ({@code store/v1-store.db}) was written from {@link #step} and {@link #metrics}, so {@link StoreMigrationTest} needs
 * them to keep building exactly what they built then.
 */
final class StepFixtures {

    private StepFixtures() {
    }

    /** A step whose update was skipped every fourth step, so its loss is NaN. */
    static StepMetrics metrics(int step) {
        boolean skipped = step % 4 == 0;
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("ratio_max", 1.0 + step / 100.0);
        extra.put("grad_norm", skipped ? Double.NaN : 0.25 * step);
        return new StepMetrics(step, 0.5 + step / 1000.0, 0.25, 0.5, skipped ? Double.NaN : 0.01 * step, 0.002 * step,
                1.5, 0.1, 0.25, 1234.5, 48.0, step % 3, skipped, 812.0 + step, extra);
    }

    /**
     * {@code groups} groups of {@code rollouts} rollouts; rollout r of a group has {@code tokens + r} tokens, its reward
     * alternates 1, 0, ..., its verdict cycles CORRECT, INCORRECT, UNVERIFIED.
     */
    static StepRecord step(long runId, int step, int groups, int rollouts, int tokens) {
        List<GroupRecord> gs = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<RolloutRecord> rs = new ArrayList<>();
            for (int r = 0; r < rollouts; r++) {
                double reward = r % 2 == 0 ? 1.0 : 0.0;
                Map<String, Double> components = new LinkedHashMap<>();
                components.put("correct", reward);
                components.put("format", 0.5);
                Verdict verdict = Verdict.values()[r % 3];
                rs.add(new RolloutRecord(r, "step " + step + " group " + g + " rollout " + r + ": 12 + 30 = 42",
                        reward, components, r == 2, verdict, reward - 0.5, r != 2, r == 1,
                        trace(step, g, r, tokens + r)));
            }
            gs.add(new GroupRecord(g, "ex-" + step + "-" + g, "What is 12 + 30? (" + step + "/" + g + ")", "42",
                    0.5, rs));
        }
        return new StepRecord(runId, metrics(step), gs);
    }

    static TokenTrace trace(int step, int group, int rollout, int n) {
        int[] ids = new int[n];
        float[] logProbs = new float[n];
        float[] entropies = new float[n];
        float[] advantages = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (step * 7919 + group * 104729 + rollout * 31 + i) % 50_257;
            logProbs[i] = -0.001f * (i + 1) * (rollout + 1);
            entropies[i] = 2.0f / (i + 1);
            advantages[i] = rollout % 2 == 0 ? 0.5f : -0.5f;
        }
        if (n > 0) {
            logProbs[n - 1] = Float.NEGATIVE_INFINITY; // a token with probability 0 under fp32
        }
        return new TokenTrace(ids, logProbs, entropies, advantages);
    }

    /** Asserts two steps hold the same values; records with arrays compare arrays by content here. */
    static void assertSameStep(StepRecord expected, StepRecord actual) {
        assertEquals(expected.runId(), actual.runId());
        assertEquals(expected.metrics(), actual.metrics()); // record equality compares doubles by bits: NaN == NaN
        assertEquals(expected.groups().size(), actual.groups().size(), "groups");
        for (int g = 0; g < expected.groups().size(); g++) {
            GroupRecord eg = expected.groups().get(g);
            GroupRecord ag = actual.groups().get(g);
            assertEquals(withoutRollouts(eg), withoutRollouts(ag));
            assertEquals(eg.rollouts().size(), ag.rollouts().size(), "rollouts of group " + g);
            for (int r = 0; r < eg.rollouts().size(); r++) {
                RolloutRecord er = eg.rollouts().get(r);
                RolloutRecord ar = ag.rollouts().get(r);
                assertEquals(withoutTrace(er), withoutTrace(ar));
                if (er.trace() == null) {
                    assertEquals(null, ar.trace());
                } else {
                    assertSameTrace(er.trace(), ar.trace());
                }
            }
        }
    }

    /** Compares every array by content; a thin trace's null values must come back null. */
    static void assertSameTrace(TokenTrace expected, TokenTrace actual) {
        assertEquals(expected.hasValues(), actual.hasValues(), "thin or not");
        assertArrayEquals(expected.tokenIds(), actual.tokenIds());
        assertArrayEquals(expected.logProbs(), actual.logProbs());
        assertArrayEquals(expected.entropies(), actual.entropies());
        assertArrayEquals(expected.advantages(), actual.advantages());
        assertArrayEquals(expected.currentLogProbs(), actual.currentLogProbs());
        assertArrayEquals(expected.clipped(), actual.clipped());
        assertArrayEquals(expected.thr(), actual.thr());
    }

    private static GroupRecord withoutRollouts(GroupRecord g) {
        return new GroupRecord(g.index(), g.promptId(), g.prompt(), g.answer(), g.baseline(), List.of(), g.hintTier(),
                g.renderedPrompt(), g.editVersion());
    }

    private static RolloutRecord withoutTrace(RolloutRecord r) {
        return new RolloutRecord(r.index(), r.completion(), r.reward(), r.rewards(), r.rewardFailed(), r.verdict(),
                r.advantage(), r.kept(), r.truncated(), null, r.flipped(), r.hintTier(), r.renderedPrompt());
    }

    /** A plain connection, bypassing the store, for looking at rows and pragmas directly. */
    static Connection raw(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    static long count(Path file, String sql) {
        try (Connection c = raw(file); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static String text(Path file, String sql) {
        try (Connection c = raw(file); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
