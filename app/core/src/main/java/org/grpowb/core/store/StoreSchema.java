package org.grpowb.core.store;

import java.util.List;

/**
 * The run store's tables, version 2 (kept in {@code PRAGMA user_version}), and the migrations that reach it.
 *
 * <h2>Schema (version 2, kept in {@code PRAGMA user_version})</h2>
 * <table>
 *   <caption>Tables</caption>
 *   <tr><th>table</th><th>columns</th><th>keys and indexes</th></tr>
 *   <tr><td>{@code runs}</td>
 *       <td>id, project, variant, seed, status, created_at, config_json</td>
 *       <td>id INTEGER PRIMARY KEY AUTOINCREMENT (ids are never reused); status is one of {@link RunStore#STATUSES};
 *           created_at is a UTC instant {@code yyyy-MM-ddTHH:mm:ss.SSSZ}</td></tr>
 *   <tr><td>{@code steps}</td>
 *       <td>run_id, step, reward_mean, reward_std, accuracy, loss, kl, entropy, clip_frac, zero_adv_frac, tokens_per_s,
 *           response_length, reward_failures, skipped, wall_ms, extra_json</td>
 *       <td>PRIMARY KEY (run_id, step); run_id → runs ON DELETE CASCADE; extra_json is a JSON object of named
 *           doubles</td></tr>
 *   <tr><td>{@code "groups"}</td>
 *       <td>id, run_id, step, group_index, prompt_id, prompt, answer, baseline,
 *           hint_tier (the hint tier the group was sampled with; 0 = no hint), rendered_prompt (the exact text the
 *           policy saw, chat template and hint included; NULL = unknown, as in every group stored before version 2),
 *           edit_version (the run's steering-edit version in force when the group was sampled; 0 = none)</td>
 *       <td>id INTEGER PRIMARY KEY; UNIQUE INDEX groups_by_step (run_id, step, group_index);
 *           (run_id, step) → steps ON DELETE CASCADE. The name is quoted in SQL: GROUPS is an SQLite keyword.
 *           hint_tier and edit_version are NOT NULL DEFAULT 0</td></tr>
 *   <tr><td>{@code rollouts}</td>
 *       <td>id, group_id, rollout_index, completion, reward, rewards_json, reward_failed, verdict, advantage, kept,
 *           truncated, flipped (the advantage's sign disagreed with the reference baseline's),
 *           hint_tier (the rollout's own tier: a hinted replacement in a group may differ from its group),
 *           rendered_prompt (NULL = the same as its group's)</td>
 *       <td>id INTEGER PRIMARY KEY; UNIQUE INDEX rollouts_by_group (group_id, rollout_index); group_id → groups ON
 *           DELETE CASCADE; verdict is the {@link org.grpowb.api.Verdict} name; rewards_json a JSON object of named
 *           components; hint_tier is NOT NULL DEFAULT 0</td></tr>
 *   <tr><td>{@code token_traces}</td>
 *       <td>rollout_id, n_tokens, token_ids, logprobs, entropies, advantages, current_logprobs, clipped, thr</td>
 *       <td>rollout_id PRIMARY KEY → rollouts ON DELETE CASCADE; the BLOBs are packed little-endian int32
 *           (token_ids) and float32 arrays of n_tokens entries each (clipped: one byte per token), one row per
 *           rollout, not per token. A <em>thin</em> trace keeps token_ids only: logprobs, entropies and advantages
 *           are NULL together (and then so are the rest); otherwise only current_logprobs, clipped and thr may be
 *           NULL. A rollout recorded without a trace has no row</td></tr>
 *   <tr><td>{@code edits}</td>
 *       <td>id, run_id, created_at, kind ({@code set}, {@code hints}, {@code curriculum}, ...), payload_json,
 *           source ({@code cli}, {@code window}, ...; may be NULL), status ({@code pending}, {@code applied},
 *           {@code refused}), step (the step boundary it was applied or refused at: it takes effect from step
 *           {@code step} on; NULL while pending), version (the run's edit version after applying it, counting 1, 2,
 *           3 per run; NULL unless applied), reason (why it was refused; NULL unless refused)</td>
 *       <td>id INTEGER PRIMARY KEY AUTOINCREMENT, so ids follow submission order; run_id → runs ON DELETE CASCADE;
 *           INDEX edits_by_run (run_id, id). Steering edits outlive the steps they touched: deleting steps on resume
 *           keeps them, so a resume can replay the applied ones by step</td></tr>
 *   <tr><td>{@code evals}</td>
 *       <td>run_id, step, accuracy (greedy exact match), examples, pass_at_k, k</td>
 *       <td>PRIMARY KEY (run_id, step); run_id → runs ON DELETE CASCADE. Step 0 is the eval before training, so
 *           there is no reference to steps</td></tr>
 *   <tr><td>{@code checkpoints}</td>
 *       <td>run_id, step, path, created_at</td>
 *       <td>PRIMARY KEY (run_id, step); run_id → runs ON DELETE CASCADE</td></tr>
 * </table>
 * Booleans are INTEGER 0/1. SQLite stores a NaN REAL as NULL, so every nullable REAL column reads back NULL as NaN:
 * a skipped update's NaN loss survives the round trip.
 *
 * <h2>Migrations</h2>
 * {@link #V1} is the first schema as it shipped and is never edited; every later change is a {@link Migration} from
 * version n to n + 1 appended to {@link #MIGRATIONS}, never edited once released either. Opening a store brings it up
 * to {@link RunStore#SCHEMA_VERSION} in place, one write transaction per migration (a migration is whole or absent,
 * and the version moves with it); a new file gets V1 and then every migration, so a fresh store and an upgraded one
 * have the same schema. A file of a newer version than the code is refused, not touched.
 */
final class StoreSchema {

    /** The first schema, version 1, exactly as it shipped. */
    static final List<String> V1 = List.of("""
            CREATE TABLE IF NOT EXISTS runs (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                project     TEXT    NOT NULL,
                variant     TEXT    NOT NULL,
                seed        INTEGER NOT NULL,
                status      TEXT    NOT NULL,
                created_at  TEXT    NOT NULL,
                config_json TEXT    NOT NULL)""", """
            CREATE TABLE IF NOT EXISTS steps (
                run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step            INTEGER NOT NULL,
                reward_mean     REAL,
                reward_std      REAL,
                accuracy        REAL,
                loss            REAL,
                kl              REAL,
                entropy         REAL,
                clip_frac       REAL,
                zero_adv_frac   REAL,
                tokens_per_s    REAL,
                response_length REAL,
                reward_failures INTEGER NOT NULL,
                skipped         INTEGER NOT NULL,
                wall_ms         REAL,
                extra_json      TEXT    NOT NULL,
                PRIMARY KEY (run_id, step))""", """
            CREATE TABLE IF NOT EXISTS "groups" (
                id          INTEGER PRIMARY KEY,
                run_id      INTEGER NOT NULL,
                step        INTEGER NOT NULL,
                group_index INTEGER NOT NULL,
                prompt_id   TEXT,
                prompt      TEXT,
                answer      TEXT,
                baseline    REAL,
                FOREIGN KEY (run_id, step) REFERENCES steps(run_id, step) ON DELETE CASCADE)""", """
            CREATE UNIQUE INDEX IF NOT EXISTS groups_by_step ON "groups"(run_id, step, group_index)""", """
            CREATE TABLE IF NOT EXISTS rollouts (
                id            INTEGER PRIMARY KEY,
                group_id      INTEGER NOT NULL REFERENCES "groups"(id) ON DELETE CASCADE,
                rollout_index INTEGER NOT NULL,
                completion    TEXT,
                reward        REAL,
                rewards_json  TEXT    NOT NULL,
                reward_failed INTEGER NOT NULL,
                verdict       TEXT,
                advantage     REAL,
                kept          INTEGER NOT NULL,
                truncated     INTEGER NOT NULL,
                flipped       INTEGER NOT NULL DEFAULT 0)""", """
            CREATE UNIQUE INDEX IF NOT EXISTS rollouts_by_group ON rollouts(group_id, rollout_index)""", """
            CREATE TABLE IF NOT EXISTS token_traces (
                rollout_id INTEGER PRIMARY KEY REFERENCES rollouts(id) ON DELETE CASCADE,
                n_tokens   INTEGER NOT NULL,
                token_ids  BLOB    NOT NULL,
                logprobs   BLOB    NOT NULL,
                entropies  BLOB    NOT NULL,
                advantages BLOB    NOT NULL,
                current_logprobs BLOB,
                clipped    BLOB,
                thr        BLOB)""", """
            CREATE TABLE IF NOT EXISTS evals (
                run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step     INTEGER NOT NULL,
                accuracy REAL,
                examples INTEGER NOT NULL,
                pass_at_k REAL,
                k        INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, step))""", """
            CREATE TABLE IF NOT EXISTS checkpoints (
                run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step       INTEGER NOT NULL,
                path       TEXT    NOT NULL,
                created_at TEXT    NOT NULL,
                PRIMARY KEY (run_id, step))""");

    /**
     * One step of the schema's history.
     *
     * @param from       the version it applies to
     * @param statements the SQL that turns version {@code from} into {@code from + 1}, run in order in one transaction
     */
    record Migration(int from, List<String> statements) {
        Migration {
            statements = List.copyOf(statements);
        }

        int to() {
            return from + 1;
        }
    }

    /**
     * 1 → 2: hint tiers, rendered prompts and edit versions on groups and rollouts; the edits table; token traces that
     * may be thin. SQLite cannot drop a column's NOT NULL, so token_traces is rebuilt (create, copy, drop, rename).
     * Nothing references token_traces and it only references rollouts, so the rebuild is safe with foreign keys on
     * and does not need the table-rebuild procedure's {@code foreign_keys=OFF} (which cannot change inside a
     * transaction anyway).
     */
    static final Migration V1_TO_V2 = new Migration(1, List.of(
            "ALTER TABLE \"groups\" ADD COLUMN hint_tier INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE \"groups\" ADD COLUMN rendered_prompt TEXT",
            "ALTER TABLE \"groups\" ADD COLUMN edit_version INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE rollouts ADD COLUMN hint_tier INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE rollouts ADD COLUMN rendered_prompt TEXT", """
            CREATE TABLE edits (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                created_at   TEXT    NOT NULL,
                kind         TEXT    NOT NULL,
                payload_json TEXT    NOT NULL,
                source       TEXT,
                status       TEXT    NOT NULL,
                step         INTEGER,
                version      INTEGER,
                reason       TEXT)""",
            "CREATE INDEX edits_by_run ON edits(run_id, id)", """
            CREATE TABLE token_traces_v2 (
                rollout_id INTEGER PRIMARY KEY REFERENCES rollouts(id) ON DELETE CASCADE,
                n_tokens   INTEGER NOT NULL,
                token_ids  BLOB    NOT NULL,
                logprobs   BLOB,
                entropies  BLOB,
                advantages BLOB,
                current_logprobs BLOB,
                clipped    BLOB,
                thr        BLOB)""", """
            INSERT INTO token_traces_v2(rollout_id, n_tokens, token_ids, logprobs, entropies, advantages,
                                        current_logprobs, clipped, thr)
            SELECT rollout_id, n_tokens, token_ids, logprobs, entropies, advantages, current_logprobs, clipped, thr
            FROM token_traces""",
            "DROP TABLE token_traces",
            "ALTER TABLE token_traces_v2 RENAME TO token_traces"));

    /** Every migration in order; the last one's {@code to()} is {@link RunStore#SCHEMA_VERSION}. */
    static final List<Migration> MIGRATIONS = List.of(V1_TO_V2);

    private StoreSchema() {
    }
}
