package org.grpowb.tinygpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Settings;

/** Small models and inputs shared by the tests. */
final class TestModels {

    private TestModels() {
    }

    static TinyGpt model(NDManager manager, long seed, Map<String, ?> settings) {
        return (TinyGpt) new TinyGptFactory().create(manager,
                Settings.resolve(new TinyGptFactory().settings(), settings, "test"), seed);
    }

    /** layers=1, width=8, heads=2, context=16 in float64: small enough for finite differences. */
    static TinyGpt float64(NDManager manager, long seed, double initStd) {
        return model(manager, seed, Map.of("layers", 1, "width", 8, "heads", 2, "context", 16, "dtype", "float64",
                "init_std", initStd));
    }

    static List<int[]> encode(String... texts) {
        List<int[]> ids = new ArrayList<>();
        for (String t : texts) {
            ids.add(CharCodec.INSTANCE.encode(t));
        }
        return ids;
    }

    static int[] withEos(String text) {
        int[] ids = CharCodec.INSTANCE.encode(text);
        int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = CharCodec.EOS;
        return out;
    }

    static double[] values(NDArray a) {
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
    }
}
