package org.grpowb.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.PromptVisit;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.sqlite.SQLiteConfig;

/**
 * Runs and everything they produce, in one SQLite file.
 *
 * <p>The tables are listed in {@link StoreSchema}; a step's rows are written and read back by {@link StepRows},
 * the steering edits by {@link EditRows}.
 *
 * <h2>Durability</h2>
 * The file runs in WAL mode with {@code synchronous=NORMAL}, {@code foreign_keys=ON} and a
 * 10 s {@code busy_timeout}. In WAL mode a commit has reached the operating system when it
 * returns, so killing the process ({@code kill -9}, a crash) at any moment leaves a consistent file holding every
 * committed transaction; the next open replays the WAL. With {@code synchronous=NORMAL} a power loss or OS crash may
 * roll back the last few commits (never corrupt the file); that is out of scope for a training log and buys a commit
 * without an fsync. A step and all its groups, rollouts and traces go in one transaction, so a step is whole or
 * absent.
 *
 * <h2>Threads</h2>
 * Every public method is {@code synchronized} on this store and uses its one connection. A JDBC connection is not
 * safe for concurrent use and a transaction belongs to a connection, so calls must not interleave; the store's calls
 * are short (one step is a few milliseconds), so serializing them costs less than opening a connection, applying the
 * pragmas and checking the schema on every call. Heavy writing during training goes through a {@link StoreWriter},
 * which holds its own connection: in WAL mode this store's readers neither wait for it nor block it. Write methods
 * take the write lock up front ({@code BEGIN IMMEDIATE}), so two connections never deadlock upgrading read locks.
 *
 * <p>SQL failures surface as {@link StoreException}; misuse (an unknown run, a step appended twice) as
 * {@link IllegalArgumentException} or {@link IllegalStateException}.
 */
public final class RunStore implements AutoCloseable {

    /** The schema this code reads and writes. */
    public static final int SCHEMA_VERSION = 2;

    /** The run statuses {@link RunInfo#status()} may take. */
    public static final Set<String> STATUSES = Set.of("running", "done", "failed", "stopped");

    static final int BUSY_TIMEOUT_MS = 10_000;


    private final Path file;
    private final Connection conn;
    private final StepRows steps;
    private final EditRows editRows;
    private boolean closed;

    private RunStore(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
        this.steps = new StepRows(conn, file);
        this.editRows = new EditRows(conn, file);
    }

    /**
     * Opens the store at {@code file}, creating the file, its folders and the schema when missing and upgrading an
     * older schema in place ({@link StoreSchema}'s migrations).
     *
     * @throws StoreException when the file's schema is newer than {@link #SCHEMA_VERSION}, naming the file
     */
    public static RunStore open(Path file) {
        Path abs = file.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the folder of run store " + abs, e);
        }
        Connection conn;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            conn = config.createConnection("jdbc:sqlite:" + abs);
        } catch (SQLException e) {
            throw new StoreException("cannot open run store " + abs, e);
        }
        RunStore store = new RunStore(abs, conn);
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** The store's file, absolute. */
    public Path file() {
        return file;
    }

    // ---------------------------------------------------------------- runs

    /** Records a new run with status {@code running}; returns its id. */
    public synchronized long createRun(String project, String variant, long seed, String configJson) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(configJson, "configJson");
        return inWrite("create a run of " + project, () -> {
            try (PreparedStatement p = conn.prepareStatement("""
                    INSERT INTO runs(project, variant, seed, status, created_at, config_json)
                    VALUES (?, ?, ?, 'running', ?, ?) RETURNING id""")) {
                p.setString(1, project);
                p.setString(2, variant);
                p.setLong(3, seed);
                p.setString(4, StoreRows.now());
                p.setString(5, configJson);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Sets a run's status, one of {@link #STATUSES}. */
    public synchronized void setStatus(long runId, String status) {
        checkStatus(status);
        inWrite("set the status of run " + runId, () -> {
            updateStatus(runId, status);
            return null;
        });
    }

    public synchronized Optional<RunInfo> run(long id) {
        List<RunInfo> found = queryRuns("WHERE r.id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** All runs, newest first (highest id first: ids follow creation order even if the clock moves). */
    public synchronized List<RunInfo> runs() {
        return queryRuns("ORDER BY r.id DESC");
    }

    // ---------------------------------------------------------------- steps

    /**
     * Stores a step with all its groups, rollouts and traces in one transaction.
     *
     * @throws IllegalStateException    when the run already has this step (nothing is written)
     * @throws IllegalArgumentException when the run does not exist
     */
    public synchronized void appendStep(StepRecord step) {
        Objects.requireNonNull(step, "step");
        inWrite("append step " + step.step() + " of run " + step.runId(), () -> {
            insertStep(step);
            return null;
        });
    }

    /** The metrics of every stored step of a run, by step. */
    public synchronized List<StepMetrics> metrics(long runId) {
        return inRead("read the metrics of run " + runId, () -> {
            List<StepMetrics> out = new ArrayList<>();
            try (PreparedStatement p = conn.prepareStatement("SELECT * FROM steps WHERE run_id = ? ORDER BY step")) {
                p.setLong(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(StoreRows.readMetrics(rs));
                    }
                }
            }
            return out;
        });
    }

    /** One step as it was appended: metrics, groups in index order, rollouts in index order, traces. */
    public synchronized Optional<StepRecord> step(long runId, int step) {
        // one read transaction: a concurrent deleteStepsAfter cannot leave us with the step row but not its groups
        return inRead("read step " + step + " of run " + runId, () -> steps.read(runId, step));
    }

    /**
     * Deletes the run's steps after {@code step} with their groups, rollouts and traces, and its evals and checkpoint
     * rows after that step (a checkpoint past the kept steps would point resume at weights trained on dropped steps).
     * Resume calls it with the last checkpoint's step. One transaction. The run's steering edits are kept, whatever
     * their step: they are what the user asked for, and a resume replays the applied ones ({@link #appliedEdits}).
     *
     * @return the number of steps deleted
     */
    public synchronized int deleteStepsAfter(long runId, int step) {
        return inWrite("delete the steps of run " + runId + " after step " + step, () -> {
            int deleted = update("DELETE FROM steps WHERE run_id = ? AND step > ?", runId, step);
            update("DELETE FROM evals WHERE run_id = ? AND step > ?", runId, step);
            update("DELETE FROM checkpoints WHERE run_id = ? AND step > ?", runId, step);
            return deleted;
        });
    }

    /**
     * Rollouts of a run whose completion contains {@code text} (SQL LIKE, case-insensitive for ASCII; {@code %} and
     * {@code _} in the text match themselves), by step, group and rollout, at most {@code limit}.
     */
    public synchronized List<RolloutHit> searchRollouts(long runId, String text, int limit) {
        Objects.requireNonNull(text, "text");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return inRead("search the rollouts of run " + runId, () -> {
            List<RolloutHit> hits = new ArrayList<>();
            try (PreparedStatement p = conn.prepareStatement("""
                    SELECT g.step, g.group_index, r.rollout_index, r.completion
                    FROM "groups" g JOIN rollouts r ON r.group_id = g.id
                    WHERE g.run_id = ? AND r.completion LIKE ? ESCAPE '\\'
                    ORDER BY g.step, g.group_index, r.rollout_index
                    LIMIT ?""")) {
                p.setLong(1, runId);
                p.setString(2, pattern);
                p.setInt(3, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        hits.add(new RolloutHit(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getString(4)));
                    }
                }
            }
            return hits;
        });
    }

    /**
     * Each prompt's visits: one per group sampled for it, with its hint tier, its edit version, how many of its
     * rollouts were judged correct and whether every advantage was 0 (a NaN advantage is not 0). Ordered by prompt id,
     * then step, then group index; groups without a prompt id are left out.
     */
    public synchronized List<PromptVisit> promptVisits(long runId) {
        return inRead("read the prompt visits of run " + runId, () -> {
            List<PromptVisit> out = new ArrayList<>();
            try (PreparedStatement p = conn.prepareStatement("""
                    SELECT g.prompt_id, g.step, g.hint_tier, g.edit_version,
                           COUNT(r.id) AS rollouts,
                           COALESCE(SUM(r.verdict = 'CORRECT'), 0) AS correct,
                           COALESCE(SUM(CASE WHEN r.advantage = 0 THEN 0 ELSE 1 END), 0) = 0 AS zero_advantage
                    FROM "groups" g LEFT JOIN rollouts r ON r.group_id = g.id
                    WHERE g.run_id = ? AND g.prompt_id IS NOT NULL
                    GROUP BY g.id
                    ORDER BY g.prompt_id, g.step, g.group_index""")) {
                p.setLong(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PromptVisit(rs.getString("prompt_id"), rs.getInt("step"), rs.getInt("hint_tier"),
                                rs.getInt("rollouts"), rs.getInt("correct"), rs.getInt("zero_advantage") != 0,
                                rs.getInt("edit_version")));
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- steering edits

    /**
     * Submits a steering edit to a running run, from any process; the training loop picks it up at its next step
     * boundary ({@link #pendingEdits}) and applies or refuses it. Checked and inserted in one write transaction, so a
     * run cannot finish between the check and the insert.
     *
     * @param kind        what the edit changes: {@code set}, {@code hints}, {@code curriculum}, ...
     * @param payloadJson the change, as JSON
     * @param source      who submits it ({@code cli}, {@code window}); may be null
     * @return the edit's id
     * @throws IllegalArgumentException when the run does not exist, the kind is blank or the payload is not JSON
     * @throws IllegalStateException    when the run is not {@code running}: nobody would pick the edit up
     */
    public synchronized long submitEdit(long runId, String kind, String payloadJson, String source) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payloadJson, "payloadJson");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("an edit of run " + runId + " needs a kind");
        }
        StoreRows.checkJson(payloadJson, "the payload of a " + kind + " edit of run " + runId);
        return inWrite("submit a " + kind + " edit of run " + runId,
                () -> editRows.insert(runId, kind, payloadJson, source));
    }

    /** Every edit of the run, in submission (id) order, whatever its status. */
    public synchronized List<EditRecord> edits(long runId) {
        return inRead("read the edits of run " + runId, () -> editRows.all(runId));
    }

    /** The run's edits still waiting for a step boundary, in submission order: the order to apply them in. */
    public synchronized List<EditRecord> pendingEdits(long runId) {
        return inRead("read the pending edits of run " + runId, () -> editRows.pending(runId));
    }

    /**
     * The run's applied edits in the order they were applied (by version): what a resume replays, each from its
     * step on.
     */
    public synchronized List<EditRecord> appliedEdits(long runId) {
        return inRead("read the applied edits of run " + runId, () -> editRows.applied(runId));
    }

    /**
     * Marks a pending edit applied at the boundary before {@code step}, making the run's edit version {@code version}.
     *
     * @throws IllegalArgumentException when there is no such edit, or step or version is out of range
     * @throws IllegalStateException    when the edit is no longer pending
     */
    public synchronized void markEditApplied(long editId, int step, int version) {
        inWrite("mark edit " + editId + " applied", () -> {
            editRows.markApplied(editId, step, version);
            return null;
        });
    }

    /**
     * Marks a pending edit refused at the boundary before {@code step}, with the reason the user will read.
     *
     * @throws IllegalArgumentException when there is no such edit or step is negative
     * @throws IllegalStateException    when the edit is no longer pending
     */
    public synchronized void markEditRefused(long editId, int step, String reason) {
        Objects.requireNonNull(reason, "reason");
        inWrite("mark edit " + editId + " refused", () -> {
            editRows.markRefused(editId, step, reason);
            return null;
        });
    }

    // ---------------------------------------------------------------- evals and checkpoints

    /** Records an eval; evaluating the same step again replaces the earlier result. */
    public synchronized void recordEval(long runId, EvalRecord eval) {
        Objects.requireNonNull(eval, "eval");
        inWrite("record the eval of run " + runId + " at step " + eval.step(), () -> {
            upsertEval(runId, eval);
            return null;
        });
    }

    /** The run's evals by step. */
    public synchronized List<EvalRecord> evals(long runId) {
        return inRead("read the evals of run " + runId, () -> {
            List<EvalRecord> out = new ArrayList<>();
            try (PreparedStatement p = conn.prepareStatement(
                    "SELECT step, accuracy, examples, pass_at_k, k FROM evals WHERE run_id = ? ORDER BY step")) {
                p.setLong(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new EvalRecord(rs.getInt("step"), StoreRows.real(rs, "accuracy"), rs.getInt("examples"),
                                StoreRows.real(rs, "pass_at_k"), rs.getInt("k")));
                    }
                }
            }
            return out;
        });
    }

    /** Records a checkpoint saved after {@code step}; saving the same step again replaces the path. */
    public synchronized void recordCheckpoint(long runId, int step, String path) {
        Objects.requireNonNull(path, "path");
        inWrite("record the checkpoint of run " + runId + " at step " + step, () -> {
            upsertCheckpoint(runId, step, path);
            return null;
        });
    }

    /** The checkpoint with the highest step, if the run saved any. */
    public synchronized Optional<CheckpointRow> latestCheckpoint(long runId) {
        return inRead("read the latest checkpoint of run " + runId, () -> {
            try (PreparedStatement p = conn.prepareStatement(
                    "SELECT step, path FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1")) {
                p.setLong(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(new CheckpointRow(rs.getInt(1), rs.getString(2)))
                            : Optional.<CheckpointRow>empty();
                }
            }
        });
    }

    /** Closes the connection; the last connection to close also folds the WAL back into the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close run store " + file, e);
        }
    }

    // ---------------------------------------------------------------- writes inside an open transaction

    /** A write queued by {@link StoreWriter}; runs inside a transaction its caller opened. */
    interface Write {
        void applyTo(RunStore store) throws SQLException;

        /** What the write does, for error messages: "append step 7 of run 2". */
        String describe();
    }

    /**
     * What {@link #applyInOrder} committed.
     *
     * @param committed   how many writes, from the front, are committed
     * @param failedIndex the write that failed, or -1 when the transaction as a whole failed (or nothing did)
     * @param error       why, or null when all were committed
     */
    record BatchOutcome(int committed, int failedIndex, Throwable error) {
    }

    /**
     * Applies writes in order in one transaction, each under a savepoint. When one fails it alone is rolled back and
     * the writes before it are committed, so what is committed is always a prefix of what was queued; the writes after
     * it are not tried.
     */
    synchronized BatchOutcome applyInOrder(List<? extends Write> writes) {
        ensureOpen();
        int applied = 0;
        Throwable failure = null;
        try {
            exec("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            return new BatchOutcome(0, -1, e);
        }
        try {
            for (Write w : writes) {
                exec("SAVEPOINT store_write");
                try {
                    w.applyTo(this);
                } catch (SQLException | RuntimeException e) {
                    failure = e;
                    // throws when SQLite already rolled the whole transaction back (SQLITE_FULL, SQLITE_IOERR, ...)
                    exec("ROLLBACK TO store_write");
                    exec("RELEASE store_write");
                    break;
                }
                exec("RELEASE store_write");
                applied++;
            }
            exec("COMMIT");
        } catch (SQLException | RuntimeException | Error e) {
            rollbackQuietly();
            if (failure != null) {
                failure.addSuppressed(e);
                return new BatchOutcome(0, applied, failure);
            }
            return new BatchOutcome(0, -1, e);
        }
        return new BatchOutcome(applied, failure == null ? -1 : applied, failure);
    }

    void insertStep(StepRecord step) throws SQLException {
        steps.insert(step);
    }

    /** The edit rows on this store's connection, for a {@link StoreWriter} batch to mark edits in. */
    EditRows editRows() {
        return editRows;
    }

    void upsertEval(long runId, EvalRecord eval) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement("""
                INSERT INTO evals(run_id, step, accuracy, examples, pass_at_k, k) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(run_id, step) DO UPDATE SET accuracy = excluded.accuracy, examples = excluded.examples,
                    pass_at_k = excluded.pass_at_k, k = excluded.k""")) {
            p.setLong(1, runId);
            p.setInt(2, eval.step());
            StoreRows.setReal(p, 3, eval.accuracy());
            p.setInt(4, eval.examples());
            StoreRows.setReal(p, 5, eval.passAtK());
            p.setInt(6, eval.k());
            p.executeUpdate();
        }
    }

    void upsertCheckpoint(long runId, int step, String path) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement("""
                INSERT INTO checkpoints(run_id, step, path, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(run_id, step) DO UPDATE SET path = excluded.path, created_at = excluded.created_at""")) {
            p.setLong(1, runId);
            p.setInt(2, step);
            p.setString(3, path);
            p.setString(4, StoreRows.now());
            p.executeUpdate();
        }
    }

    void updateStatus(long runId, String status) throws SQLException {
        if (update("UPDATE runs SET status = ? WHERE id = ?", status, runId) == 0) {
            throw new IllegalArgumentException("no run " + runId + " in " + file);
        }
    }

    static void checkStatus(String status) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("run status must be one of " + STATUSES + ", not " + status);
        }
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Brings the file up to {@link #SCHEMA_VERSION}: V1 on a new file, then each migration in its own write
     * transaction. The version is re-read under the write lock before each, so two processes opening an old file at
     * once migrate it once.
     */
    private void migrate() {
        int found = inRead("read the schema version", this::userVersion);
        if (found == SCHEMA_VERSION) {
            return;
        }
        if (found > SCHEMA_VERSION) {
            throw newerSchema(found); // before taking the write lock: a newer file is not ours to touch
        }
        boolean current = false;
        while (!current) {
            current = inWrite("migrate the schema", () -> {
                int version = userVersion();
                if (version > SCHEMA_VERSION) {
                    throw newerSchema(version);
                }
                if (version == SCHEMA_VERSION) {
                    return true;
                }
                if (version == 0) {
                    for (String ddl : StoreSchema.V1) {
                        exec(ddl);
                    }
                    exec("PRAGMA user_version = 1");
                    return false;
                }
                StoreSchema.Migration migration = StoreSchema.MIGRATIONS.get(version - 1);
                try {
                    for (String sql : migration.statements()) {
                        exec(sql);
                    }
                } catch (SQLException e) {
                    throw new StoreException("cannot migrate run store " + file + " from schema version " + version
                            + " to " + migration.to() + "; the file is left at version " + version, e);
                }
                exec("PRAGMA user_version = " + migration.to());
                return false;
            });
        }
    }

    private StoreException newerSchema(int version) {
        return new StoreException(file + " has schema version " + version + "; this build reads version "
                + SCHEMA_VERSION + " (written by a newer GRPO Workbench?)");
    }

    private int userVersion() throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private <T> T inWrite(String what, SqlWork<T> work) {
        return inTransaction("BEGIN IMMEDIATE", what, work);
    }

    private <T> T inRead(String what, SqlWork<T> work) {
        return inTransaction("BEGIN", what, work);
    }

    // Transactions are plain SQL on an auto-commit connection: JDBC's setAutoCommit(false) would begin them
    // DEFERRED, and a deferred transaction that later writes can fail with SQLITE_BUSY without waiting.
    private <T> T inTransaction(String begin, String what, SqlWork<T> work) {
        ensureOpen();
        try {
            exec(begin);
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + file, e);
        }
        boolean done = false;
        try {
            T result = work.run();
            exec("COMMIT");
            done = true;
            return result;
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + file, e);
        } finally {
            if (!done) {
                rollbackQuietly();
            }
        }
    }

    private void rollbackQuietly() {
        try {
            exec("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back: SQLite already did
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("run store " + file + " is closed");
        }
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement p = StoreRows.prepare(conn, sql, args)) {
            return p.executeUpdate();
        }
    }

    private List<RunInfo> queryRuns(String tail, Object... args) {
        return inRead("read runs", () -> {
            List<RunInfo> out = new ArrayList<>();
            try (PreparedStatement p = StoreRows.prepare(conn, """
                    SELECT r.id, r.project, r.variant, r.seed, r.status, r.created_at, r.config_json,
                           COALESCE((SELECT MAX(s.step) FROM steps s WHERE s.run_id = r.id), 0) AS last_step
                    FROM runs r
                    """ + tail, args);
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunInfo(rs.getLong("id"), rs.getString("project"), rs.getString("variant"),
                            rs.getLong("seed"), rs.getString("status"), rs.getString("created_at"),
                            rs.getString("config_json"), rs.getInt("last_step")));
                }
            }
            return out;
        });
    }
}
