package org.grpowb.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.TokenTrace;

/** How the store's rows map to the run records and back: NaN as NULL, named values as JSON, instants as text. */
final class StoreRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Double>> NAMED_VALUES = new TypeReference<>() {
    };
    // fixed width, so that created_at also sorts as text
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private StoreRows() {
    }

    static StepMetrics readMetrics(ResultSet rs) throws SQLException {
        return new StepMetrics(rs.getInt("step"), real(rs, "reward_mean"), real(rs, "reward_std"),
                real(rs, "accuracy"), real(rs, "loss"), real(rs, "kl"), real(rs, "entropy"), real(rs, "clip_frac"),
                real(rs, "zero_adv_frac"), real(rs, "tokens_per_s"), real(rs, "response_length"),
                rs.getInt("reward_failures"), rs.getInt("skipped") != 0, real(rs, "wall_ms"),
                namedValues(rs.getString("extra_json")));
    }

    static RolloutRecord readRollout(ResultSet rs) throws SQLException {
        String verdict = rs.getString("verdict");
        int nTokens = rs.getInt("n_tokens");
        TokenTrace trace = rs.wasNull() ? null : TraceCodec.trace(nTokens, rs.getBytes("token_ids"),
                rs.getBytes("logprobs"), rs.getBytes("entropies"), rs.getBytes("advantages"),
                rs.getBytes("current_logprobs"), rs.getBytes("clipped"), rs.getBytes("thr"));
        return new RolloutRecord(rs.getInt("rollout_index"), rs.getString("completion"), real(rs, "reward"),
                namedValues(rs.getString("rewards_json")), rs.getInt("reward_failed") != 0,
                verdict == null ? null : Verdict.valueOf(verdict), real(rs, "advantage"), rs.getInt("kept") != 0,
                rs.getInt("truncated") != 0, trace, rs.getInt("flipped") != 0, rs.getInt("hint_tier"),
                rs.getString("rendered_prompt"));
    }

    /** SQLite turns a bound NaN into NULL; bind NULL ourselves so the mapping is explicit, and read it back as NaN. */
    static void setReal(PreparedStatement p, int index, double value) throws SQLException {
        if (Double.isNaN(value)) {
            p.setNull(index, Types.REAL);
        } else {
            p.setDouble(index, value);
        }
    }

    static double real(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    /** A nullable INTEGER column: null for NULL, where {@code getInt} would say 0. */
    static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** Refuses text that is not one JSON value, naming {@code what} it was meant to be. */
    static void checkJson(String json, String what) {
        try {
            // readTree takes "" as a missing value and stops after the first value unless told to refuse the rest
            var tree = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new IllegalArgumentException(what + " is empty, not JSON");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String json(Map<String, Double> values) {
        try {
            // Jackson writes NaN and ±Infinity as the strings "NaN", "Infinity", which it reads back as doubles
            return JSON.writeValueAsString(values == null ? Map.of() : values);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode " + values + " as JSON", e);
        }
    }

    static Map<String, Double> namedValues(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, NAMED_VALUES);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot read named values from " + json, e);
        }
    }

    /** A statement with {@code args} bound in order, for the store's one-off queries on ids and steps. */
    static PreparedStatement prepare(Connection conn, String sql, Object... args) throws SQLException {
        PreparedStatement p = conn.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        return p;
    }

    static String now() {
        return INSTANT.format(Instant.now());
    }
}
