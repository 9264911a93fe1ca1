package org.grpowb.core.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.grpowb.core.run.TokenTrace;

/**
 * Packs a token trace's arrays into BLOBs of little-endian int32 / float32, four bytes per token. One row per rollout
 * keeps a 512-token completion at 8 KiB instead of 512 rows with their index overhead. A thin trace
 * ({@link TokenTrace#hasValues()} false) is its token ids with every value column NULL.
 */
final class TraceCodec {

    private TraceCodec() {
    }

    static byte[] ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    static byte[] floats(float[] values) {
        // the view buffer writes raw IEEE bits, so NaN payloads and -0f survive unchanged
        ByteBuffer b = ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static int[] ints(byte[] blob, int n, String column) {
        int[] out = new int[n];
        wrap(blob, n, column).asIntBuffer().get(out);
        return out;
    }

    static float[] floats(byte[] blob, int n, String column) {
        float[] out = new float[n];
        wrap(blob, n, column).asFloatBuffer().get(out);
        return out;
    }

    static TokenTrace trace(int n, byte[] tokenIds, byte[] logProbs, byte[] entropies, byte[] advantages,
                            byte[] currentLogProbs, byte[] clipped, byte[] thr) {
        if (logProbs == null || entropies == null || advantages == null) {
            if (logProbs != null || entropies != null || advantages != null || currentLogProbs != null
                    || clipped != null || thr != null) {
                throw new StoreException("token_traces row with some of logprobs, entropies, advantages NULL but not"
                        + " all: a thin trace has token ids only");
            }
            return TokenTrace.idsOnly(ints(tokenIds, n, "token_ids"));
        }
        if (clipped != null && clipped.length != n) {
            throw new StoreException("token_traces.clipped holds " + clipped.length + " bytes for " + n + " tokens");
        }
        return new TokenTrace(ints(tokenIds, n, "token_ids"), floats(logProbs, n, "logprobs"),
                floats(entropies, n, "entropies"), floats(advantages, n, "advantages"),
                currentLogProbs == null ? null : floats(currentLogProbs, n, "current_logprobs"), clipped,
                thr == null ? null : floats(thr, n, "thr"));
    }

    /** A nullable float array as a BLOB, or null. */
    static byte[] floatsOrNull(float[] values) {
        return values == null ? null : floats(values);
    }

    private static ByteBuffer wrap(byte[] blob, int n, String column) {
        byte[] bytes = blob == null ? new byte[0] : blob;
        if (bytes.length != 4L * n) {
            throw new StoreException("token_traces." + column + " holds " + bytes.length + " bytes for " + n
                    + " tokens; expected " + 4L * n);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
