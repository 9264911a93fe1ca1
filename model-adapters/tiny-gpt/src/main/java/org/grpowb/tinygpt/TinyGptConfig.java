package org.grpowb.tinygpt;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * The architecture of a tiny GPT and how its weights start.
 *
 * @param layers  number of transformer blocks
 * @param width   d_model, the residual stream width
 * @param heads   attention heads; {@code width} must be divisible by it
 * @param context longest prompt + completion in tokens (the size of the learned position table)
 * @param dtype   FLOAT32, or FLOAT64 so that finite-difference gradient checks are exact
 * @param initStd standard deviation of the initial weights (GPT-2 uses 0.02)
 * @param tied    true: the unembedding is {@code tok_emb} (GPT-2); false: a separate {@code lm_head} (V×d, no bias),
 *                so that the last layer's weights can move without moving the input embedding (learning-dynamics
 *                diagnostics such as Token Hidden Reward take exactly that view)
 */
public record TinyGptConfig(int layers, int width, int heads, int context, DataType dtype, double initStd,
                            boolean tied) {

    static final String FLOAT32 = "float32";
    static final String FLOAT64 = "float64";
    /** The separate unembedding of an untied model. */
    public static final String LM_HEAD = "lm_head";

    /** The settings a project file may give under {@code model: {name: tiny-gpt, settings: ...}}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.integer("layers", "number of transformer blocks", 2, 1, 48),
            SettingSpec.integer("width", "d_model, the width of the residual stream", 64, 4, 4096),
            SettingSpec.integer("heads", "attention heads (width must be divisible by heads)", 4, 1, 128),
            SettingSpec.integer("context", "longest prompt + completion in tokens", 32, 2, 8192),
            SettingSpec.choice("dtype", "parameter precision; float64 makes gradient checks exact", FLOAT32, FLOAT32, FLOAT64),
            SettingSpec.number("init_std", "standard deviation of the initial weights", 0.02, 1e-6, 10),
            SettingSpec.flag("tied", "unembed with the token embedding (true, as GPT-2) or a separate lm_head matrix", true));

    public TinyGptConfig {
        if (layers < 1 || width < 1 || heads < 1 || context < 2 || !(initStd > 0)) {
            throw new IllegalArgumentException("bad tiny-gpt architecture: layers=" + layers + " width=" + width
                    + " heads=" + heads + " context=" + context + " init_std=" + initStd);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("tiny-gpt width " + width + " is not divisible by heads " + heads);
        }
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("tiny-gpt dtype must be float32 or float64, got " + dtype);
        }
    }

    /** Reads the declared settings; missing ones take their defaults, bad ones are refused. */
    public static TinyGptConfig from(Settings settings) {
        Settings s = Settings.resolve(SETTINGS, settings.values(), "tiny-gpt settings");
        return new TinyGptConfig(s.integer("layers"), s.integer("width"), s.integer("heads"), s.integer("context"),
                dataType(s.choice("dtype")), s.number("init_std"), s.flag("tied"));
    }

    public int vocabSize() {
        return CharCodec.VOCAB_SIZE;
    }

    public int headWidth() {
        return width / heads;
    }

    String dtypeName() {
        return dtype == DataType.FLOAT64 ? FLOAT64 : FLOAT32;
    }

    static DataType dataType(String name) {
        return switch (name) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            default -> throw new IllegalArgumentException("tiny-gpt dtype must be float32 or float64, got '" + name + "'");
        };
    }

    /** True when weights saved under {@code other} fit this architecture ({@code initStd} does not matter). */
    boolean sameArchitecture(TinyGptConfig other) {
        return layers == other.layers && width == other.width && heads == other.heads && context == other.context
                && dtype == other.dtype && tied == other.tied;
    }

    /** How a parameter is initialised. */
    enum Init { ONES, ZEROS, NORMAL, RESIDUAL_NORMAL }

    /** One named parameter tensor. */
    record ParameterSpec(String name, Shape shape, Init init) {
    }

    /**
     * Every parameter in its fixed order. Tied (as in GPT-2), there is no separate output matrix: logits =
     * LN_f(h) · tok_embᵀ. Untied, {@code lm_head} comes last, so the same seed draws the same values for every other
     * parameter whichever is chosen: logits = LN_f(h) · lm_headᵀ.
     */
    List<ParameterSpec> parameterSpecs() {
        int d = width;
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(new ParameterSpec("tok_emb", new Shape(vocabSize(), d), Init.NORMAL));
        specs.add(new ParameterSpec("pos_emb", new Shape(context, d), Init.NORMAL));
        for (int i = 0; i < layers; i++) {
            String h = "h" + i + ".";
            specs.add(new ParameterSpec(h + "ln1.g", new Shape(d), Init.ONES));
            specs.add(new ParameterSpec(h + "ln1.b", new Shape(d), Init.ZEROS));
            specs.add(new ParameterSpec(h + "attn.qkv.w", new Shape(d, 3L * d), Init.NORMAL));
            specs.add(new ParameterSpec(h + "attn.qkv.b", new Shape(3L * d), Init.ZEROS));
            specs.add(new ParameterSpec(h + "attn.proj.w", new Shape(d, d), Init.RESIDUAL_NORMAL));
            specs.add(new ParameterSpec(h + "attn.proj.b", new Shape(d), Init.ZEROS));
            specs.add(new ParameterSpec(h + "ln2.g", new Shape(d), Init.ONES));
            specs.add(new ParameterSpec(h + "ln2.b", new Shape(d), Init.ZEROS));
            specs.add(new ParameterSpec(h + "mlp.fc.w", new Shape(d, 4L * d), Init.NORMAL));
            specs.add(new ParameterSpec(h + "mlp.fc.b", new Shape(4L * d), Init.ZEROS));
            specs.add(new ParameterSpec(h + "mlp.proj.w", new Shape(4L * d, d), Init.RESIDUAL_NORMAL));
            specs.add(new ParameterSpec(h + "mlp.proj.b", new Shape(d), Init.ZEROS));
        }
        specs.add(new ParameterSpec("lnf.g", new Shape(d), Init.ONES));
        specs.add(new ParameterSpec("lnf.b", new Shape(d), Init.ZEROS));
        if (!tied) {
            specs.add(new ParameterSpec(LM_HEAD, new Shape(vocabSize(), d), Init.NORMAL));
        }
        return specs;
    }

    public long parameterCount() {
        long n = 0;
        for (ParameterSpec spec : parameterSpecs()) {
            n += spec.shape().size();
        }
        return n;
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("format", "tiny-gpt");
        p.setProperty("format.version", "1");
        p.setProperty("vocab", "char-ascii-" + vocabSize());
        p.setProperty("layers", Integer.toString(layers));
        p.setProperty("width", Integer.toString(width));
        p.setProperty("heads", Integer.toString(heads));
        p.setProperty("context", Integer.toString(context));
        p.setProperty("dtype", dtypeName());
        p.setProperty("init_std", Double.toString(initStd));
        p.setProperty("tied", Boolean.toString(tied));
        p.setProperty("parameters", Long.toString(parameterCount()));
        return p;
    }

    /**
     * Models saved before {@code tied} existed had no key for it and were all tied.
     *
     * @param source named in error messages
     * @throws IllegalArgumentException naming {@code source} and the key that is missing or bad
     */
    static TinyGptConfig fromProperties(Properties p, String source) {
        if (!"tiny-gpt".equals(p.getProperty("format"))) {
            throw new IllegalArgumentException(source + ": not a tiny-gpt model (format=" + p.getProperty("format") + ")");
        }
        String vocab = "char-ascii-" + CharCodec.VOCAB_SIZE;
        if (!vocab.equals(p.getProperty("vocab"))) {
            throw new IllegalArgumentException(source + ": vocabulary " + p.getProperty("vocab") + ", expected " + vocab);
        }
        try {
            return new TinyGptConfig(intProperty(p, "layers", source), intProperty(p, "width", source),
                    intProperty(p, "heads", source), intProperty(p, "context", source),
                    dataType(require(p, "dtype", source)), Double.parseDouble(require(p, "init_std", source)),
                    tiedProperty(p, source));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static boolean tiedProperty(Properties p, String source) {
        String v = p.getProperty("tied", "true").trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(source + ": 'tied' must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static int intProperty(Properties p, String key, String source) {
        return Integer.parseInt(require(p, key, source).trim());
    }

    private static String require(Properties p, String key, String source) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing '" + key + "'");
        }
        return v;
    }

    /** E.g. {@code tiny-gpt 2x64, 4 heads, ctx 32, 0.1M params, float32}; an untied model adds {@code , untied}. */
    String summary() {
        long n = parameterCount();
        String size = n >= 100_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6) : String.format(Locale.ROOT, "%.1fk", n / 1e3);
        return "tiny-gpt " + layers + "x" + width + ", " + heads + " heads, ctx " + context + ", " + size + " params, "
                + dtypeName() + (tied ? "" : ", untied");
    }
}
