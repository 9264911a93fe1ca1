package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;

/**
 * The low-rank adapters of a decoder, one pair per targeted linear layer: A [r × in] and B [out × r], so that the layer
 * computes {@code y = x·Wᵀ (+ b) + (α/r)·(x·Aᵀ)·Bᵀ} (Hu et al. 2021, eq. 3) with its weight W frozen.
 *
 * <p>Initialised as PEFT initialises them ({@code init_lora_weights=True}): B = 0, so that the adapted model starts
 * exactly at its base model, and A from {@code nn.Linear}'s default, Kaiming-uniform with a = √5. With fan-in
 * {@code in}, that is U(−bound, bound) with bound = gain·√(3 / in), gain = √(2 / (1 + a²)) = √(1/3): bound = 1/√in. A
 * must not be zero too, or neither matrix would get a gradient (∂L/∂B needs x·Aᵀ, ∂L/∂A needs B).
 *
 * <p>Arrays are named as PEFT saves them: {@code base_model.model.} + the module's path + {@code .lora_A.weight} (the
 * adapter's name, {@code default}, is left out of saved files), e.g.
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class LoraAdapters {

    /** What PEFT's {@code PeftModelForCausalLM} puts before a transformers parameter's name. */
    public static final String PEFT_PREFIX = "base_model.model.";

    /** One targeted layer's pair. */
    private record Pair(NDArray a, NDArray b) {
    }

    private final LoraConfig config;
    private final LinkedHashMap<String, Pair> byModule;
    private final LinkedHashMap<String, NDArray> parameters;

    private LoraAdapters(LoraConfig config, LinkedHashMap<String, Pair> byModule) {
        this.config = config;
        this.byModule = byModule;
        this.parameters = new LinkedHashMap<>();
        byModule.forEach((module, pair) -> {
            parameters.put(nameOfA(module), pair.a());
            parameters.put(nameOfB(module), pair.b());
        });
    }

    /** The saved name of a module's A, e.g. {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}. */
    public static String nameOfA(String modulePath) {
        return PEFT_PREFIX + modulePath + ".lora_A.weight";
    }

    /** The saved name of a module's B. */
    public static String nameOfB(String modulePath) {
        return PEFT_PREFIX + modulePath + ".lora_B.weight";
    }

    /**
     * Fresh adapters for the targeted layers of a decoder: A Kaiming-uniform from {@code seed}, B = 0, both trainable.
     *
     * @param base the base model's weights by transformers' names, for each layer's [out, in]
     */
    public static LoraAdapters init(NDManager manager, LoraConfig config, Map<String, NDArray> base, int layers,
                                    long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkedHashMap<String, Pair> byModule = new LinkedHashMap<>();
        for (String module : config.modulePaths(layers)) {
            NDArray w = base.get(module + ".weight");
            if (w == null) {
                throw new IllegalArgumentException("no weight '" + module + ".weight' to adapt");
            }
            long out = w.getShape().get(0);
            int in = Math.toIntExact(w.getShape().get(1));
            float bound = (float) (1 / Math.sqrt(in));
            float[] a = new float[config.rank() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            byModule.put(module, new Pair(
                    trainable(manager, a, new Shape(config.rank(), in), nameOfA(module)),
                    trainable(manager, new float[Math.toIntExact(out * config.rank())], new Shape(out, config.rank()),
                            nameOfB(module))));
        }
        return new LoraAdapters(config, byModule);
    }

    private static NDArray trainable(NDManager manager, float[] values, Shape shape, String name) {
        NDArray p = OwnedArrays.owned(manager.create(values, shape), DataType.FLOAT32);
        p.setName(name);
        p.setRequiresGradient(true);
        return p;
    }

    public LoraConfig config() {
        return config;
    }

    /** A and B of every targeted layer, by PEFT's saved names; each has gradients enabled. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * {@code y + (α/r)·(x·Aᵀ)·Bᵀ} when {@code modulePath} is adapted, else {@code y}. x goes through A first: the
     * [r]-wide intermediate is what makes the adapter cheap (B·A, [out × in], is never formed).
     *
     * @param x    the layer's input, (…, in)
     * @param y    the frozen layer's output x·Wᵀ (+ b), (…, out)
     * @param view how the pass sees A and B (e.g. detached while sampling)
     */
    NDArray add(String modulePath, NDArray x, NDArray y, UnaryOperator<NDArray> view) {
        Pair pair = byModule.get(modulePath);
        if (pair == null) {
            return y;
        }
        NDArray low = x.matMul(view.apply(pair.a()).transpose());
        NDArray update = low.matMul(view.apply(pair.b()).transpose());
        return y.add(update.mul(OwnedArrays.scalar(update, config.scale())));
    }

    /** (α/r)·B·A, [out × in], what merging adds to a layer's weight; null when the layer is not adapted. */
    public float[] mergedDelta(String modulePath) {
        Pair pair = byModule.get(modulePath);
        if (pair == null) {
            return null;
        }
        NDArray a = pair.a().stopGradient();
        NDArray b = pair.b().stopGradient();
        try (NDArray product = b.matMul(a)) {
            float[] delta = product.toFloatArray();
            float scale = (float) config.scale();
            for (int i = 0; i < delta.length; i++) {
                delta[i] *= scale;
            }
            return delta;
        } finally {
            a.close();
            b.close();
        }
    }

    /** Frozen duplicates in {@code manager}, for an independent copy of the policy. */
    LoraAdapters copy(NDManager manager) {
        LinkedHashMap<String, Pair> copies = new LinkedHashMap<>();
        byModule.forEach((module, pair) -> copies.put(module,
                new Pair(duplicate(pair.a(), manager), duplicate(pair.b(), manager))));
        return new LoraAdapters(config, copies);
    }

    private static NDArray duplicate(NDArray p, NDManager manager) {
        NDArray c = p.stopGradient().duplicate();
        c.attach(manager);
        c.setName(p.getName());
        return c;
    }
}
