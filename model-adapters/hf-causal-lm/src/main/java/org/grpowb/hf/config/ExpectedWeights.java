package org.grpowb.hf.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors, by name and shape, that a transformers checkpoint of a given {@link HfConfig} holds, and the check that a
 * checkpoint holds exactly those.
 *
 * <p>Names and shapes are those of transformers' modules ({@code modeling_llama.py}, {@code modeling_qwen2.py},
 * {@code modular_mistral.py}): {@code LlamaModel} holds {@code embed_tokens}, {@code layers.{i}} and {@code norm} under
 * the prefix {@code model.}, and {@code LlamaForCausalLM} adds {@code lm_head}. An {@code nn.Linear(in, out)} stores
 * its weight as [out, in] (y = x·Wᵀ + b) and its bias as [out]; an RMSNorm its weight as [hidden]. With
 * {@code tie_word_embeddings} the unembedding is the embedding ({@code _tied_weights_keys = ["lm_head.weight"]}) and
 * {@code save_pretrained} leaves {@code lm_head.weight} out. Older checkpoints also saved each layer's
 * {@code self_attn.rotary_emb.inv_freq} buffer; it is recomputed from the config (see {@link RopeFrequencies}) and
 * ignored here.
 */
public final class ExpectedWeights {

    /** The token embedding, [vocab, hidden]. */
    public static final String EMBEDDING = "model.embed_tokens.weight";
    /** The RMSNorm after the last layer, [hidden]. */
    public static final String FINAL_NORM = "model.norm.weight";
    /** The unembedding, [vocab, hidden]; only in untied checkpoints. */
    public static final String LM_HEAD = "lm_head.weight";

    /** How many problems one failure lists before it counts the rest. */
    private static final int LISTED = 8;

    /**
     * A tensor's name and shape.
     *
     * @param name  as in the safetensors header, e.g. {@code model.layers.0.self_attn.q_proj.weight}
     * @param shape row-major dimensions, outermost first
     */
    public record Tensor(String name, long[] shape) {
        public Tensor {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The number of elements. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape);
        }
    }

    private final HfConfig config;
    private final Map<String, Tensor> tensors;

    private ExpectedWeights(HfConfig config, Map<String, Tensor> tensors) {
        this.config = config;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The name of a tensor of decoder layer {@code layer}, e.g. {@code layer(0, "mlp.up_proj.weight")}. */
    public static String layer(int layer, String suffix) {
        return "model.layers." + layer + "." + suffix;
    }

    /** The tensors a checkpoint of {@code config} holds, in the order of the forward pass. */
    public static ExpectedWeights of(HfConfig config) {
        long hidden = config.hiddenSize();
        long queryWidth = (long) config.heads() * config.headDim();
        long kvWidth = (long) config.kvHeads() * config.headDim();
        long intermediate = config.intermediateSize();
        long vocab = config.vocabSize();

        Map<String, Tensor> t = new LinkedHashMap<>();
        add(t, EMBEDDING, vocab, hidden);
        for (int i = 0; i < config.layers(); i++) {
            add(t, layer(i, "input_layernorm.weight"), hidden);
            linear(t, layer(i, "self_attn.q_proj"), queryWidth, hidden, config.qkvBias());
            linear(t, layer(i, "self_attn.k_proj"), kvWidth, hidden, config.qkvBias());
            linear(t, layer(i, "self_attn.v_proj"), kvWidth, hidden, config.qkvBias());
            linear(t, layer(i, "self_attn.o_proj"), hidden, queryWidth, config.outputBias());
            add(t, layer(i, "post_attention_layernorm.weight"), hidden);
            linear(t, layer(i, "mlp.gate_proj"), intermediate, hidden, config.mlpBias());
            linear(t, layer(i, "mlp.up_proj"), intermediate, hidden, config.mlpBias());
            linear(t, layer(i, "mlp.down_proj"), hidden, intermediate, config.mlpBias());
        }
        add(t, FINAL_NORM, hidden);
        if (!config.tieWordEmbeddings()) {
            add(t, LM_HEAD, vocab, hidden);
        }
        return new ExpectedWeights(config, t);
    }

    private static void linear(Map<String, Tensor> t, String module, long out, long in, boolean bias) {
        add(t, module + ".weight", out, in);
        if (bias) {
            add(t, module + ".bias", out);
        }
    }

    private static void add(Map<String, Tensor> t, String name, long... shape) {
        t.put(name, new Tensor(name, shape));
    }

    /** The expected tensors, in the order of the forward pass. */
    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The expected shape of {@code name}, or null when a checkpoint of this config has no such tensor. */
    public long[] shape(String name) {
        Tensor t = tensors.get(name);
        return t == null ? null : t.shape();
    }

    /** The number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(Tensor::size).sum();
    }

    /** Buffers that some checkpoints carry and that are recomputed rather than loaded. */
    public static boolean isIgnored(String name) {
        return name.endsWith("rotary_emb.inv_freq");
    }

    /**
     * Fails unless the checkpoint holds exactly the expected tensors with the expected shapes: none missing, none of
     * another shape, none unexpected ({@code lm_head.weight} in a tied model included); {@link #isIgnored ignored}
     * buffers aside.
     *
     * @param shapesInCheckpoint every tensor of the checkpoint (all shards together) and its shape
     * @param where              the checkpoint's name for messages, e.g. {@code model.safetensors}
     * @throws HfConfigException naming the (first) offending tensor; the message lists up to eight problems
     */
    public void verify(Map<String, long[]> shapesInCheckpoint, String where) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (Tensor expected : tensors.values()) {
            long[] found = shapesInCheckpoint.get(expected.name());
            if (found == null) {
                problems.put(expected.name(), expected.name().equals(LM_HEAD)
                        ? "missing, but the config has tie_word_embeddings false"
                        : "missing (expected " + Arrays.toString(expected.shape) + ")");
            } else if (!Arrays.equals(found, expected.shape)) {
                problems.put(expected.name(), "shape " + Arrays.toString(found) + ", but the config implies "
                        + Arrays.toString(expected.shape));
            }
        }
        for (String name : new TreeSet<>(shapesInCheckpoint.keySet())) {
            if (tensors.containsKey(name) || isIgnored(name)) {
                continue;
            }
            problems.put(name, name.equals(LM_HEAD)
                    ? "present, but the config has tie_word_embeddings true"
                    : "not a tensor of a " + config.modelType() + " model with this config"
                            + " (biases: q/k/v " + config.qkvBias() + ", o_proj " + config.outputBias()
                            + ", mlp " + config.mlpBias() + "; layers " + config.layers() + ")");
        }
        if (problems.isEmpty()) {
            return;
        }
        List<Map.Entry<String, String>> list = new ArrayList<>(problems.entrySet());
        StringBuilder rest = new StringBuilder(list.get(0).getValue());
        for (int i = 1; i < Math.min(LISTED, list.size()); i++) {
            rest.append("; tensor '").append(list.get(i).getKey()).append("': ").append(list.get(i).getValue());
        }
        if (list.size() > LISTED) {
            rest.append("; and ").append(list.size() - LISTED).append(" more");
        }
        throw HfConfigException.tensor(where, list.get(0).getKey(), rest.toString());
    }
}
