package org.grpowb.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;

/**
 * A step's rows: its {@code steps} row, its groups, their rollouts and the rollouts' token traces, written and read
 * back as one {@link StepRecord}. This is the bulk of the store's SQL, kept apart from {@link RunStore} so the store
 * reads as its API and its transactions. Nothing here begins, commits or rolls back: the caller ({@link RunStore}
 * directly, or a {@link StoreWriter} batch) holds the transaction on {@code conn}, which is what makes a step whole or
 * absent and lets a batch put several steps in one commit.
 */
final class StepRows {

    private final Connection conn;
    private final Path file;

    /** {@code file} only names the store in error messages. */
    StepRows(Connection conn, Path file) {
        this.conn = conn;
        this.file = file;
    }

    /**
     * Inserts the step with all its groups, rollouts and traces.
     *
     * @throws IllegalStateException    when the run already has this step (nothing is written)
     * @throws IllegalArgumentException when the run does not exist
     */
    void insert(StepRecord step) throws SQLException {
        long runId = step.runId();
        StepMetrics m = step.metrics();
        if (!exists("SELECT 1 FROM runs WHERE id = ?", runId)) {
            throw new IllegalArgumentException("no run " + runId + " in " + file);
        }
        if (exists("SELECT 1 FROM steps WHERE run_id = ? AND step = ?", runId, m.step())) {
            throw new IllegalStateException("run " + runId + " already has step " + m.step()
                    + "; a step is stored once (resume must deleteStepsAfter the checkpoint's step first)");
        }
        try (PreparedStatement p = conn.prepareStatement("""
                INSERT INTO steps(run_id, step, reward_mean, reward_std, accuracy, loss, kl, entropy, clip_frac,
                                  zero_adv_frac, tokens_per_s, response_length, reward_failures, skipped, wall_ms,
                                  extra_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            p.setLong(1, runId);
            p.setInt(2, m.step());
            StoreRows.setReal(p, 3, m.rewardMean());
            StoreRows.setReal(p, 4, m.rewardStd());
            StoreRows.setReal(p, 5, m.accuracy());
            StoreRows.setReal(p, 6, m.loss());
            StoreRows.setReal(p, 7, m.kl());
            StoreRows.setReal(p, 8, m.entropy());
            StoreRows.setReal(p, 9, m.clipFrac());
            StoreRows.setReal(p, 10, m.zeroAdvFrac());
            StoreRows.setReal(p, 11, m.tokensPerS());
            StoreRows.setReal(p, 12, m.responseLength());
            p.setInt(13, m.rewardFailures());
            p.setInt(14, m.skipped() ? 1 : 0);
            StoreRows.setReal(p, 15, m.wallMs());
            p.setString(16, StoreRows.json(m.extra()));
            p.executeUpdate();
        }
        try (PreparedStatement group = conn.prepareStatement("""
                INSERT INTO "groups"(run_id, step, group_index, prompt_id, prompt, answer, baseline, hint_tier,
                                     rendered_prompt, edit_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""");
             PreparedStatement rollout = conn.prepareStatement("""
                INSERT INTO rollouts(group_id, rollout_index, completion, reward, rewards_json, reward_failed, verdict,
                                     advantage, kept, truncated, flipped, hint_tier, rendered_prompt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""");
             PreparedStatement trace = conn.prepareStatement("""
                INSERT INTO token_traces(rollout_id, n_tokens, token_ids, logprobs, entropies, advantages,
                                         current_logprobs, clipped, thr)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (GroupRecord g : step.groups()) {
                group.setLong(1, runId);
                group.setInt(2, m.step());
                group.setInt(3, g.index());
                group.setString(4, g.promptId());
                group.setString(5, g.prompt());
                group.setString(6, g.answer());
                StoreRows.setReal(group, 7, g.baseline());
                group.setInt(8, g.hintTier());
                group.setString(9, g.renderedPrompt());
                group.setInt(10, g.editVersion());
                long groupId = insertReturningId(group);
                for (RolloutRecord r : g.rollouts()) {
                    rollout.setLong(1, groupId);
                    rollout.setInt(2, r.index());
                    rollout.setString(3, r.completion());
                    StoreRows.setReal(rollout, 4, r.reward());
                    rollout.setString(5, StoreRows.json(r.rewards()));
                    rollout.setInt(6, r.rewardFailed() ? 1 : 0);
                    rollout.setString(7, r.verdict() == null ? null : r.verdict().name());
                    StoreRows.setReal(rollout, 8, r.advantage());
                    rollout.setInt(9, r.kept() ? 1 : 0);
                    rollout.setInt(10, r.truncated() ? 1 : 0);
                    rollout.setInt(11, r.flipped() ? 1 : 0);
                    rollout.setInt(12, r.hintTier());
                    rollout.setString(13, r.renderedPrompt());
                    long rolloutId = insertReturningId(rollout);
                    TokenTrace t = r.trace();
                    if (t != null) {
                        trace.setLong(1, rolloutId);
                        trace.setInt(2, t.length());
                        trace.setBytes(3, TraceCodec.ints(t.tokenIds()));
                        // a thin trace has no values: its value columns are NULL
                        trace.setBytes(4, TraceCodec.floatsOrNull(t.logProbs()));
                        trace.setBytes(5, TraceCodec.floatsOrNull(t.entropies()));
                        trace.setBytes(6, TraceCodec.floatsOrNull(t.advantages()));
                        trace.setBytes(7, TraceCodec.floatsOrNull(t.currentLogProbs()));
                        trace.setBytes(8, t.clipped());
                        trace.setBytes(9, TraceCodec.floatsOrNull(t.thr()));
                        trace.executeUpdate();
                    }
                }
            }
        }
    }

    /** The step as it was appended, or empty when the run has no such step. */
    Optional<StepRecord> read(long runId, int step) throws SQLException {
        StepMetrics metrics = null;
        try (PreparedStatement p = conn.prepareStatement("SELECT * FROM steps WHERE run_id = ? AND step = ?")) {
            p.setLong(1, runId);
            p.setInt(2, step);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    metrics = StoreRows.readMetrics(rs);
                }
            }
        }
        if (metrics == null) {
            return Optional.empty();
        }
        Map<Long, GroupRow> groups = new LinkedHashMap<>();
        try (PreparedStatement p = conn.prepareStatement("""
                SELECT id, group_index, prompt_id, prompt, answer, baseline, hint_tier, rendered_prompt, edit_version
                FROM "groups"
                WHERE run_id = ? AND step = ? ORDER BY group_index""")) {
            p.setLong(1, runId);
            p.setInt(2, step);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    groups.put(rs.getLong("id"), new GroupRow(rs.getInt("group_index"), rs.getString("prompt_id"),
                            rs.getString("prompt"), rs.getString("answer"), StoreRows.real(rs, "baseline"),
                            new ArrayList<>(), rs.getInt("hint_tier"), rs.getString("rendered_prompt"),
                            rs.getInt("edit_version")));
                }
            }
        }
        try (PreparedStatement p = conn.prepareStatement("""
                SELECT r.group_id, r.rollout_index, r.completion, r.reward, r.rewards_json, r.reward_failed,
                       r.verdict, r.advantage, r.kept, r.truncated, r.flipped, r.hint_tier, r.rendered_prompt,
                       t.n_tokens, t.token_ids, t.logprobs, t.entropies, t.advantages, t.current_logprobs,
                       t.clipped, t.thr
                FROM "groups" g
                JOIN rollouts r ON r.group_id = g.id
                LEFT JOIN token_traces t ON t.rollout_id = r.id
                WHERE g.run_id = ? AND g.step = ?
                ORDER BY g.group_index, r.rollout_index""")) {
            p.setLong(1, runId);
            p.setInt(2, step);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    groups.get(rs.getLong("group_id")).rollouts().add(StoreRows.readRollout(rs));
                }
            }
        }
        List<GroupRecord> groupRecords = new ArrayList<>(groups.size());
        for (GroupRow g : groups.values()) {
            groupRecords.add(new GroupRecord(g.index(), g.promptId(), g.prompt(), g.answer(), g.baseline(),
                    g.rollouts(), g.hintTier(), g.renderedPrompt(), g.editVersion()));
        }
        return Optional.of(new StepRecord(runId, metrics, groupRecords));
    }

    // GroupRecord is immutable and its rollouts arrive in a later query, so they are gathered here first
    private record GroupRow(int index, String promptId, String prompt, String answer, double baseline,
                            List<RolloutRecord> rollouts, int hintTier, String renderedPrompt, int editVersion) {
    }

    private boolean exists(String sql, Object... args) throws SQLException {
        try (PreparedStatement p = StoreRows.prepare(conn, sql, args); ResultSet rs = p.executeQuery()) {
            return rs.next();
        }
    }

    private static long insertReturningId(PreparedStatement p) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
