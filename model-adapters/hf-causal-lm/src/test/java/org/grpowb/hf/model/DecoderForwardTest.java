package org.grpowb.hf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.decoding.KvCache;
import org.grpowb.hf.config.RopeFrequencies;
import org.grpowb.hf.reference.ReferenceDecoder;
import org.grpowb.hf.reference.TinyModels;
import org.grpowb.hf.reference.TinyModels.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DJL forward of each family (Qwen2 with biases and GQA, Llama with llama3 rope scaling and an untied head,
 * SmolLM2-like tied) against the plain-Java double-precision {@link ReferenceDecoder}, on the same float32 weights.
 */
class DecoderForwardTest {

    private static NDManager base;

    @BeforeAll
    static void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        base.close();
    }

    static List<TinyModel> models() {
        return TinyModels.all().stream().map(TinyModel::roundedToFloat).toList();
    }

    private static Map<String, NDArray> arrays(NDManager m, TinyModel model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.weights().forEach((name, w) -> {
            float[] f = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) w[i];
            }
            out.put(name, OwnedArrays.owned(m.create(f, new Shape(model.shapes().get(name))), DataType.FLOAT32));
        });
        return out;
    }

    private static NDArray ids(NDManager m, long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return OwnedArrays.owned(m.create(flat, new Shape(rows.length, rows[0].length)), DataType.INT64);
    }

    private static DecoderForward forward(NDManager m, TinyModel model, RotaryTable[] table) {
        table[0] = new RotaryTable(m, RopeFrequencies.of(model.config()), 64, DataType.FLOAT32);
        return new DecoderForward(model.config(), table[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsEqualTheReferenceForward(TinyModel model) {
        int[] tokens = TinyModels.TOKENS;
        double[][] expected = new ReferenceDecoder(model.config(), model.weights()).logits(tokens);
        try (NDManager m = base.newSubManager()) {
            RotaryTable[] table = new RotaryTable[1];
            DecoderForward f = forward(m, model, table);
            DecoderForward.Weights w = new DecoderForward.Weights(arrays(m, model), UnaryOperator.identity());
            long[] row = new long[tokens.length];
            long[] pos = new long[tokens.length];
            boolean[][] present = {new boolean[tokens.length]};
            for (int t = 0; t < tokens.length; t++) {
                row[t] = tokens[t];
                pos[t] = t;
                present[0][t] = true;
            }
            NDArray logits = f.logits(w, f.hidden(w, ids(m, new long[][] {row}), ids(m, new long[][] {pos}),
                    DecoderForward.causalMask(m, present, 0, tokens.length, DataType.FLOAT32), null));
            float[] got = logits.toFloatArray();
            int vocab = model.config().vocabSize();
            double worst = 0;
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    worst = Math.max(worst, Math.abs(got[t * vocab + v] - expected[t][v]));
                }
            }
            assertTrue(worst < 1e-4, model.name() + ": largest logit difference " + worst);
        }
    }

    /** A left-padded row with a cache, decoded token by token, gives the reference's logits at every step. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void leftPaddingAndTheKeyValueCacheChangeNothing(TinyModel model) {
        int[] tokens = TinyModels.TOKENS;
        double[][] expected = new ReferenceDecoder(model.config(), model.weights()).logits(tokens);
        int pad = 2;
        int width = pad + tokens.length;
        try (NDManager m = base.newSubManager(); KvCache cache = new KvCache(model.config().layers())) {
            RotaryTable[] table = new RotaryTable[1];
            DecoderForward f = forward(m, model, table);
            DecoderForward.Weights w = new DecoderForward.Weights(arrays(m, model), NDArray::stopGradient);
            boolean[][] present = {new boolean[width]};
            for (int c = pad; c < width; c++) {
                present[0][c] = true;
            }
            int vocab = model.config().vocabSize();
            for (int c = 0; c < width; c++) {
                long id = c < pad ? 0 : tokens[c - pad];
                long position = Math.max(0, c - pad);
                NDArray out = f.logits(w, f.hidden(w, ids(m, new long[][] {{id}}), ids(m, new long[][] {{position}}),
                        DecoderForward.causalMask(m, present, c, c + 1, DataType.FLOAT32), cache));
                if (c >= pad) {
                    float[] got = out.toFloatArray();
                    for (int v = 0; v < vocab; v++) {
                        assertEquals(expected[c - pad][v], got[v], 1e-4, model.name() + " column " + c + " id " + v);
                    }
                }
            }
        }
    }
}
