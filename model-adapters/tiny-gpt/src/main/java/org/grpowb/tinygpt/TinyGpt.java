package org.grpowb.tinygpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.TokenCodec;
import org.grpowb.decoding.DecoderPolicy;
import org.grpowb.decoding.KvCache;

/**
 * A character-level GPT-2-style policy (see {@link Transformer} for the maths, {@link DecoderPolicy} for how it samples and scores and how rows of
 * different lengths share a batch). By default the unembedding is tied to the token embedding, as in GPT-2: fewer
 * parameters, and with a 97-symbol vocabulary a separate output matrix buys nothing for training. {@code tied: false}
 * adds one ({@code lm_head}) for learning-dynamics experiments that move the last layer alone.
 *
 * <p>Parameters live in a sub-manager of the manager the model was made with, on that manager's device; closing the
 * model frees them. Every other array a call creates is freed before it returns (an {@link NDScope} per call, one per
 * decoding step), except the results of {@link #score} and {@link #features}, which move to the caller's manager.
 */
public final class TinyGpt extends DecoderPolicy {

    private final TinyGptConfig config;
    private final LinkedHashMap<String, NDArray> parameters;
    private final Transformer transformer;

    private TinyGpt(TinyGptConfig config, NDManager manager, LinkedHashMap<String, NDArray> parameters) {
        super(manager);
        this.config = config;
        this.parameters = parameters;
        this.transformer = new Transformer(config);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDScope.unregister(p); // parameters outlive any scope the caller happens to have open
            p.setName(e.getKey());
            p.setRequiresGradient(true);
        }
    }

    /**
     * A freshly initialised model. Weights are drawn in Java from one {@link Random} in parameter order, so a seed
     * gives the same weights on every machine and device: N(0, σ) for embeddings and input projections, N(0, σ/√(2L))
     * for the two projections that write into the residual stream (GPT-2's scaling), zero biases, unit LayerNorm gains.
     */
    public static TinyGpt initialise(NDManager parent, TinyGptConfig config, long seed) {
        NDManager own = parent.newSubManager();
        Random random = new Random(seed);
        double residualStd = config.initStd() / Math.sqrt(2.0 * config.layers());
        LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
        for (TinyGptConfig.ParameterSpec spec : config.parameterSpecs()) {
            double[] values = new double[Math.toIntExact(spec.shape().size())];
            switch (spec.init()) {
                case ONES -> Arrays.fill(values, 1.0);
                case ZEROS -> Arrays.fill(values, 0.0);
                case NORMAL -> fillNormal(values, random, config.initStd());
                case RESIDUAL_NORMAL -> fillNormal(values, random, residualStd);
                default -> throw new IllegalStateException(spec.init().toString());
            }
            parameters.put(spec.name(), create(own, values, spec.shape(), config.dtype()));
        }
        return new TinyGpt(config, own, parameters);
    }

    /** A model restored from a directory written by {@link #save}, with its saved architecture. */
    public static TinyGpt restore(NDManager parent, Path dir) throws IOException {
        NDManager own = parent.newSubManager();
        try {
            Checkpoint.Saved saved = Checkpoint.read(own, dir);
            LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
            for (NDArray a : saved.weights()) {
                // decoded arrays live in Java direct buffers; PyTorch-owned copies keep storage and alignment the same
                // from run to run (see OwnedArrays)
                NDArray owned = OwnedArrays.owned(a, a.getDataType());
                owned.setName(a.getName());
                parameters.put(owned.getName(), owned);
            }
            return new TinyGpt(saved.config(), own, parameters);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    public TinyGptConfig config() {
        return config;
    }

    @Override
    public TokenCodec codec() {
        return CharCodec.INSTANCE;
    }

    @Override
    public int contextLength() {
        return config.context();
    }

    @Override
    protected Pass pass(UnaryOperator<NDArray> view) {
        Transformer.Weights w = Transformer.Weights.of(parameters, view, config.layers());
        return new Pass() {
            @Override
            public NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
                return transformer.hidden(w, tokens, positions, mask, cache);
            }

            @Override
            public NDArray unembedding() {
                return w.unembed();
            }
        };
    }

    @Override
    protected int layers() {
        return config.layers();
    }

    @Override
    protected int hiddenSize() {
        return config.width();
    }

    @Override
    protected DataType dtype() {
        return config.dtype();
    }

    /** The parameters in their fixed order (see {@link TinyGptConfig#parameterSpecs()}); unmodifiable. */
    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public TinyGpt copy() {
        NDManager own = manager.getParentManager().newSubManager();
        LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray c = e.getValue().stopGradient().duplicate();
                c.attach(own);
                NDScope.unregister(c);
                copies.put(e.getKey(), c);
            }
        }
        return new TinyGpt(config, own, copies);
    }

    @Override
    public void save(Path dir) throws IOException {
        Checkpoint.write(dir, config, parameters);
    }

    /**
     * Copies saved weights into this model's parameter arrays in place, so references held elsewhere (an optimiser's
     * state, a view) stay valid.
     *
     * @throws IOException naming the path when nothing is saved there or its architecture differs from this model's
     */
    @Override
    public void load(Path dir) throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            Checkpoint.Saved saved = Checkpoint.read(scratch, dir);
            if (!saved.config().sameArchitecture(config)) {
                throw new IOException(dir + ": saved model is " + saved.config().summary() + ", this one is "
                        + config.summary());
            }
            NDList weights = saved.weights();
            int i = 0;
            for (NDArray p : parameters.values()) {
                // copied through the heap on purpose: set(Buffer) on a CPU array adopts a direct buffer as its storage,
                // so handing it the loaded array's own memory would leave it pointing at freed memory after close
                NDArray source = weights.get(i++);
                if (config.dtype() == DataType.FLOAT64) {
                    p.set(source.toDoubleArray());
                } else {
                    p.set(source.toFloatArray());
                }
            }
        }
    }

    /** E.g. {@code tiny-gpt 2x64, 4 heads, ctx 32, 0.1M params, float32, cpu()}. */
    @Override
    public String describe() {
        return config.summary() + ", " + device();
    }

    @Override
    public void close() {
        manager.close();
    }

    private static void fillNormal(double[] values, Random random, double std) {
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * std;
        }
    }

    private static NDArray create(NDManager m, double[] values, Shape shape, DataType dtype) {
        if (dtype == DataType.FLOAT64) {
            return OwnedArrays.owned(m.create(values, shape), DataType.FLOAT64);
        }
        float[] single = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            single[i] = (float) values[i];
        }
        return OwnedArrays.owned(m.create(single, shape), DataType.FLOAT32);
    }
}
