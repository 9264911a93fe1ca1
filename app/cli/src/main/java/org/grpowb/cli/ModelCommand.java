package org.grpowb.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.grpowb.api.TokenScores;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.hf.HfCausalLmFactory;
import org.grpowb.hf.ModelFolder;
import org.grpowb.hf.RandomInit;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.safetensors.Dtype;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grpowb model}: tools for Hugging Face model folders. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Hugging Face model folders.",
        subcommands = {ModelCommand.Init.class, ModelCommand.Inspect.class, ModelCommand.Score.class})
final class ModelCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        System.out.println("grpowb model init CONFIG.json --out FOLDER [--tokenizer FOLDER] [--seed S] [--dtype bf16]");
        System.out.println("grpowb model inspect FOLDER [--json]");
        System.out.println("grpowb model score FOLDER (--text T | --ids 1,2,3) [--json]");
    }

    /**
     * {@code grpowb model init}: a folder with random weights for a config.json and a tokenizer, as transformers
     * initialises them: to measure a real architecture where its weights cannot be downloaded.
     */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a model folder with random weights for a config.json and a tokenizer folder.")
    static final class Init implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", description = "a config.json (e.g. Qwen2.5-0.5B's)")
        Path configArgument;

        @Option(names = "--config", description = "the config.json, as an option")
        Path config;

        @Option(names = "--tokenizer",
                description = "folder with tokenizer.json and tokenizer_config.json, copied in (without it the folder "
                        + "has no tokenizer)")
        Path tokenizer;

        @Option(names = "--out", required = true, description = "the folder to write")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "seed of the random weights (default 1)")
        long seed;

        @Option(names = "--dtype", defaultValue = "f32", description = "f32, bf16 or f16 (default f32)")
        String dtype;

        @Override
        public Integer call() throws Exception {
            Dtype d = switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
                case "f32", "float32" -> Dtype.F32;
                case "bf16", "bfloat16" -> Dtype.BF16;
                case "f16", "float16" -> Dtype.F16;
                default -> throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, got '" + dtype + "'");
            };
            Path configFile = configArgument != null ? configArgument : config;
            if (configFile == null) {
                throw new IllegalArgumentException("name the config.json: grpowb model init CONFIG.json --out DIR");
            }
            RandomInit.write(configFile, tokenizer, out, seed, d);
            System.out.println("wrote " + out.toAbsolutePath().normalize());
            return 0;
        }
    }

    /**
     * {@code grpowb model inspect}: what a model folder holds, from its headers, without loading a weight; a folder
     * without a tokenizer is still inspected.
     */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Architecture, parameter count, dtype, tokenizer and chat template of a model folder.")
    static final class Inspect implements Callable<Integer> {

        @Parameters(index = "0", description = "the model folder")
        Path folder;

        @Option(names = "--json", description = "print a JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelFolder.Summary s = ModelFolder.inspect(folder);
            HfConfig c = s.config();
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("folder", s.folder().toString());
                o.put("model_type", c.modelType());
                o.put("layers", c.layers());
                o.put("hidden_size", c.hiddenSize());
                o.put("intermediate_size", c.intermediateSize());
                o.put("heads", c.heads());
                o.put("kv_heads", c.kvHeads());
                o.put("head_dim", c.headDim());
                o.put("vocab_size", c.vocabSize());
                o.put("rope_theta", c.ropeTheta());
                o.put("rope_scaling", c.ropeScaling() == null ? "none" : "llama3");
                o.put("tie_word_embeddings", c.tieWordEmbeddings());
                o.put("max_position_embeddings", c.maxPositionEmbeddings());
                o.put("parameters", s.parameters());
                o.put("matmul_parameters", s.matmulParameters());
                o.put("dtype", s.dtype().name());
                ArrayNode files = o.putArray("weight_files");
                s.weightFiles().forEach(files::add);
                o.put("weights_match_config", s.weightsProblem().isEmpty());
                s.weightsProblem().ifPresent(p -> o.put("weights_problem", p));
                o.put("tokenizer", s.tokenizer().isPresent());
                s.tokenizer().ifPresent(t -> {
                    o.put("tokenizer_size", t.size());
                    o.put("eos_token", t.eosToken());
                    ArrayNode stops = o.putArray("stop_ids");
                    t.stopIds().forEach(stops::add);
                    o.put("bos_token", t.bosToken().orElse(null));
                });
                s.tokenizerProblem().ifPresent(p -> o.put("tokenizer_problem", p));
                o.put("chat_template", s.chatTemplate());
                System.out.println(JSON.writeValueAsString(o));
            } else {
                System.out.println(s.folder());
                System.out.printf("architecture  %s: %d layers, hidden %d, MLP %d, %d/%d heads of %d, vocab %d%n",
                        c.modelType(), c.layers(), c.hiddenSize(), c.intermediateSize(), c.heads(), c.kvHeads(),
                        c.headDim(), c.vocabSize());
                System.out.printf("rotary        theta %s%s, %s embeddings, max %d positions%n",
                        trim(c.ropeTheta()), c.ropeScaling() == null ? "" : ", llama3 scaling x" + trim(c.ropeScaling().factor()),
                        c.tieWordEmbeddings() ? "tied" : "untied", c.maxPositionEmbeddings());
                System.out.printf("parameters    %,d (%s), stored as %s in %s%n", s.parameters(),
                        human(s.parameters()), s.dtype(), String.join(", ", s.weightFiles()));
                System.out.println("weights       " + s.weightsProblem().map(p -> "DISAGREE with config.json: " + p)
                        .orElse("match config.json"));
                System.out.println("tokenizer     " + s.tokenizer().map(t -> t.size() + " ids, eos " + t.eosToken()
                        + ", stop ids " + t.stopIds() + t.bosToken().map(b -> ", bos " + b).orElse(", no bos"))
                        .orElse(s.tokenizerProblem().isPresent() ? "unreadable" : "none (no tokenizer.json)"));
                s.tokenizerProblem().ifPresent(p -> System.out.println("              " + p));
                System.out.println("chat template " + (s.chatTemplate() ? "yes" : "none"));
            }
            return 0;
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }

        private static String human(long n) {
            return n >= 1e9 ? String.format("%.2f B", n / 1e9) : String.format("%.1f M", n / 1e6);
        }
    }

    /**
     * {@code grpowb model score}: per-token log-probs and entropies of exactly the given ids under a model folder.
     * Nothing is added (no BOS, no chat template); the first token has nothing before it and is not scored.
     */
    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Log-prob and entropy of each token of exactly the given text or ids (nothing added).")
    static final class Score implements Callable<Integer> {

        @Parameters(index = "0", description = "the model folder (with tokenizer.json)")
        Path folder;

        @ArgGroup(multiplicity = "1")
        Input input;

        static final class Input {
            @Option(names = "--text", description = "text, encoded by the folder's tokenizer with no special tokens added")
            String text;

            @Option(names = "--ids", split = ",", description = "token ids, comma separated")
            int[] ids;
        }

        @Option(names = "--json", description = "print a JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            HfConfig config = HfConfigReader.read(folder);
            try (NDManager manager = NDManager.newBaseManager(ComputeDevice.current().device())) {
                int[] ids = input.ids;
                // the context only bounds what is scored: the whole sequence, within the model's maximum
                int length = ids != null ? ids.length : Math.max(2, input.text.length() * 4);
                int context = Math.max(2, Math.min(config.maxPositionEmbeddings(), length));
                try (HfCausalLm model = HfCausalLmFactory.open(manager, folder, context, "raw")) {
                    if (ids == null) {
                        ids = model.codec().encode(input.text);
                    }
                    if (ids.length < 2) {
                        throw new IllegalArgumentException("score needs at least two tokens: the first is only context, "
                                + "got " + ids.length);
                    }
                    if (ids.length > context) {
                        throw new IllegalArgumentException(ids.length + " tokens exceed the model's "
                                + config.maxPositionEmbeddings() + " positions");
                    }
                    TokenScores scores = model.score(manager, List.of(new int[] {ids[0]}),
                            List.of(Arrays.copyOfRange(ids, 1, ids.length)));
                    float[] lp = scores.logProbs().toFloatArray();
                    float[] ent = scores.entropies().toFloatArray();
                    print(model, ids, lp, ent);
                }
            }
            return 0;
        }

        private void print(HfCausalLm model, int[] ids, float[] lp, float[] ent) throws Exception {
            double total = 0;
            for (float v : lp) {
                total += v;
            }
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("model", model.describe());
                ArrayNode tokens = o.putArray("tokens");
                for (int k = 0; k < ids.length; k++) {
                    ObjectNode t = tokens.addObject();
                    t.put("id", ids[k]);
                    t.put("text", model.codec().tokenText(ids[k]));
                    if (k == 0) {
                        t.putNull("logprob");
                        t.putNull("entropy");
                    } else {
                        t.put("logprob", lp[k - 1]);
                        t.put("entropy", ent[k - 1]);
                    }
                }
                o.put("total_logprob", total);
                System.out.println(JSON.writeValueAsString(o));
            } else {
                System.out.println(model.describe());
                System.out.printf("%5s %8s  %-16s %10s %9s%n", "#", "id", "text", "logprob", "entropy");
                for (int k = 0; k < ids.length; k++) {
                    String text = JSON.writeValueAsString(model.codec().tokenText(ids[k]));
                    if (k == 0) {
                        System.out.printf("%5d %8d  %-16s %10s %9s%n", k, ids[k], text, "-", "-");
                    } else {
                        System.out.printf("%5d %8d  %-16s %10.4f %9.4f%n", k, ids[k], text, lp[k - 1], ent[k - 1]);
                    }
                }
                System.out.printf("total log-prob of tokens 1..%d: %.4f%n", ids.length - 1, total);
            }
        }
    }
}
