package org.grpowb.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.grpowb.core.run.EditRecord;

/**
 * A run's steering edits: inserted pending, read back as {@link EditRecord}s and decided once, applied or refused.
 * Kept apart from {@link RunStore} as {@link StepRows} is, so the store reads as its API and its transactions. Nothing
 * here begins, commits or rolls back: the caller ({@link RunStore} directly, or a {@link StoreWriter} batch, which
 * commits a mark in order with the steps around it) holds the transaction on {@code conn}.
 */
final class EditRows {

    private final Connection conn;
    private final Path file;

    /** {@code file} only names the store in error messages. */
    EditRows(Connection conn, Path file) {
        this.conn = conn;
        this.file = file;
    }

    /**
     * Inserts a pending edit; returns its id. The run's status is checked in the caller's transaction, so inside a
     * write transaction the run cannot finish between the check and the insert.
     *
     * @throws IllegalArgumentException when the run does not exist
     * @throws IllegalStateException    when the run is not {@code running}
     */
    long insert(long runId, String kind, String payloadJson, String source) throws SQLException {
        String status;
        try (PreparedStatement p = StoreRows.prepare(conn, "SELECT status FROM runs WHERE id = ?", runId);
             ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalArgumentException("no run " + runId + " in " + file);
            }
            status = rs.getString(1);
        }
        if (!"running".equals(status)) {
            throw new IllegalStateException("run " + runId + " is " + status + ", not running; an edit would never"
                    + " be applied");
        }
        try (PreparedStatement p = conn.prepareStatement("""
                INSERT INTO edits(run_id, created_at, kind, payload_json, source, status)
                VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id""")) {
            p.setLong(1, runId);
            p.setString(2, StoreRows.now());
            p.setString(3, kind);
            p.setString(4, payloadJson);
            p.setString(5, source);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every edit of the run, in submission (id) order. */
    List<EditRecord> all(long runId) throws SQLException {
        return query("WHERE run_id = ? ORDER BY id", runId);
    }

    /** The run's pending edits, in submission order. */
    List<EditRecord> pending(long runId) throws SQLException {
        return query("WHERE run_id = ? AND status = 'pending' ORDER BY id", runId);
    }

    /** The run's applied edits, by version. */
    List<EditRecord> applied(long runId) throws SQLException {
        return query("WHERE run_id = ? AND status = 'applied' ORDER BY version, id", runId);
    }

    /**
     * Marks a pending edit applied at the boundary before {@code step} as the run's edit version {@code version}.
     *
     * @throws IllegalArgumentException when there is no such edit, or step or version is out of range
     * @throws IllegalStateException    when the edit is no longer pending
     */
    void markApplied(long editId, int step, int version) throws SQLException {
        if (step < 0 || version < 1) {
            throw new IllegalArgumentException("edit " + editId + " cannot be applied at step " + step
                    + " as version " + version + ": steps count from 0, versions from 1");
        }
        checkPending(editId);
        update("UPDATE edits SET status = 'applied', step = ?, version = ?, reason = NULL WHERE id = ?", step, version,
                editId);
    }

    /**
     * Marks a pending edit refused at the boundary before {@code step}, with its reason.
     *
     * @throws IllegalArgumentException when there is no such edit or step is negative
     * @throws IllegalStateException    when the edit is no longer pending
     */
    void markRefused(long editId, int step, String reason) throws SQLException {
        if (step < 0) {
            throw new IllegalArgumentException("edit " + editId + " cannot be refused at step " + step);
        }
        checkPending(editId);
        update("UPDATE edits SET status = 'refused', step = ?, version = NULL, reason = ? WHERE id = ?", step, reason,
                editId);
    }

    // an edit is decided once: applying it twice would count its version twice
    private void checkPending(long editId) throws SQLException {
        try (PreparedStatement p = StoreRows.prepare(conn, "SELECT run_id, status FROM edits WHERE id = ?", editId);
             ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalArgumentException("no edit " + editId + " in " + file);
            }
            if (!EditRecord.PENDING.equals(rs.getString("status"))) {
                throw new IllegalStateException("edit " + editId + " of run " + rs.getLong("run_id") + " is already "
                        + rs.getString("status"));
            }
        }
    }

    private List<EditRecord> query(String whereAndOrder, Object... args) throws SQLException {
        List<EditRecord> out = new ArrayList<>();
        try (PreparedStatement p = StoreRows.prepare(conn, """
                SELECT id, run_id, created_at, kind, payload_json, source, status, step, version, reason
                FROM edits
                """ + whereAndOrder, args);
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new EditRecord(rs.getLong("id"), rs.getLong("run_id"), rs.getString("created_at"),
                        rs.getString("kind"), rs.getString("payload_json"), rs.getString("source"),
                        rs.getString("status"), StoreRows.integer(rs, "step"), StoreRows.integer(rs, "version"),
                        rs.getString("reason")));
            }
        }
        return out;
    }

    private void update(String sql, Object... args) throws SQLException {
        try (PreparedStatement p = StoreRows.prepare(conn, sql, args)) {
            p.executeUpdate();
        }
    }
}
