package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code grpowb} commands as a user types them, on a tiny real project. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path project;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cli = new CommandLine(new Grpowb());
            cli.setExecutionExceptionHandler(new Grpowb.ErrorHandler());
            cli.setErr(new java.io.PrintWriter(e, true));
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void tinyProjectWithWarmStart() throws IOException {
        project = dir.resolve("tiny");
        Files.createDirectories(project);
        Files.write(project.resolve("data.jsonl"), AdditionData.lines(120, 4, 20));
        Files.writeString(project.resolve("project.yaml"), """
                name: tiny
                data: {file: data.jsonl}
                model: {name: tiny-gpt, init: warm, settings: {layers: 1, width: 32, heads: 2, context: 12}}
                variant: {name: grpo}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                  - {name: answer_format, weight: 0.1}
                training: {steps: 4, prompts_per_step: 4, group_size: 4, max_new_tokens: 3, eval_every: 2, checkpoint_every: 2}
                sft: {steps: 40, batch: 16, learning_rate: 0.003}
                """);
        Result sft = run("sft", project.toString());
        assertEquals(0, sft.code(), sft.err());
        assertTrue(sft.out().contains("warm start saved to"), sft.out());
        assertTrue(Files.isDirectory(project.resolve("warm")));
    }

    @Test
    void trainJsonPrintsOneObjectPerStepThenASummary() throws Exception {
        Path store = dir.resolve("json.db");
        Result r = run("train", project.toString(), "--json", "--store", store.toString(), "--steps", "3", "--seed", "9");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().strip().split("\n")) {
            lines.add(JSON.readTree(l));
        }
        List<JsonNode> steps = lines.stream().filter(n -> n.has("step") && !n.has("event")).toList();
        assertEquals(3, steps.size());
        for (JsonNode s : steps) {
            for (String k : List.of("step", "reward_mean", "accuracy", "loss", "kl", "entropy", "clip_frac",
                    "zero_adv_frac", "tokens_per_s")) {
                assertTrue(s.has(k), "step line lacks " + k + ": " + s);
            }
        }
        JsonNode done = lines.get(lines.size() - 1);
        assertEquals("done", done.path("event").asText());
        for (String k : List.of("run_id", "eval_accuracy_before", "eval_accuracy_after", "steps", "wall_s")) {
            assertTrue(done.has(k), "done line lacks " + k + ": " + done);
        }
        assertEquals(3, done.path("steps").asInt());

        Result runs = run("runs", "--store", store.toString(), "--json");
        assertEquals(0, runs.code(), runs.err());
        JsonNode list = JSON.readTree(runs.out());
        assertEquals(1, list.size());
        assertEquals(9, list.get(0).path("config").path("training").path("seed").asInt());

        Result show = run("show", "--store", store.toString(), "--run", done.path("run_id").asText(), "--step", "2", "--json");
        assertEquals(0, show.code(), show.err());
        JsonNode step = JSON.readTree(show.out());
        assertEquals(4, step.path("groups").size());
        JsonNode rollout = step.path("groups").get(0).path("rollouts").get(0);
        assertTrue(rollout.path("tokens").size() >= 1);
        JsonNode token = rollout.path("tokens").get(0);
        for (String k : List.of("text", "logprob", "logprob_current", "ratio", "clipped", "entropy", "advantage", "thr")) {
            assertTrue(token.has(k), "token lacks " + k + ": " + token);
        }
        // THR is a number in groups with a correct and a wrong completion, null (absent) elsewhere
        for (JsonNode g : step.path("groups")) {
            boolean correct = false;
            boolean wrong = false;
            for (JsonNode ro : g.path("rollouts")) {
                correct |= ro.path("verdict").asText().equals("correct");
                wrong |= !ro.path("verdict").asText().equals("correct");
            }
            boolean mixed = correct && wrong;
            for (JsonNode ro : g.path("rollouts")) {
                for (JsonNode t : ro.path("tokens")) {
                    assertEquals(mixed, t.path("thr").isNumber(), "thr of a token in a " + (mixed ? "" : "un") + "mixed group: " + t);
                }
            }
        }

        Result text = run("show", "--store", store.toString(), "--run", done.path("run_id").asText(), "--step", "1");
        assertTrue(text.out().contains("group 0") && text.out().contains("lp=") && text.out().contains("THR="), text.out());
    }

    @Test
    void progressBarGoesToStandardErrorWithoutJson() {
        Result r = run("train", project.toString(), "--store", dir.resolve("bar.db").toString(), "--steps", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("[") && r.err().contains("2/2"), r.err());
        assertTrue(r.err().contains("eval accuracy"), r.err());
    }

    @Test
    void resumeContinuesAStoppedRun() {
        Path store = dir.resolve("resume.db");
        assertEquals(0, run("train", project.toString(), "--store", store.toString(), "--steps", "2", "--json").code());
        // The run finished, so there is nothing to resume.
        Result none = run("train", project.toString(), "--store", store.toString(), "--resume");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no unfinished run"), none.err());
    }

    @Test
    void compareRunsEachArmWithTheSameSeedIntoOneStore() throws Exception {
        Path store = dir.resolve("compare.db");
        Result r = run("compare", project.toString(), "--variants", "grpo,mc_grpo", "--config",
                "thr+:training.thr_reweight=0.5", "--steps", "2", "--group-size", "2", "--store", store.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode rows = JSON.readTree(r.out());
        assertEquals(3, rows.size());
        assertEquals(List.of("grpo", "mc_grpo", "thr+"), List.of(rows.get(0).path("label").asText(),
                rows.get(1).path("label").asText(), rows.get(2).path("label").asText()));
        for (JsonNode row : rows) {
            for (String k : List.of("eval_accuracy_after", "mean_flip_rate", "zero_adv_frac", "mean_entropy",
                    "tokens_per_s", "wall_s")) {
                assertTrue(row.has(k), "row lacks " + k + ": " + row);
            }
            assertEquals(rows.get(0).path("eval_accuracy_before").asDouble(), row.path("eval_accuracy_before").asDouble(),
                    "same starting model and seed");
        }
        Result runs = run("runs", "--store", store.toString(), "--json");
        assertEquals(3, JSON.readTree(runs.out()).size());
    }

    @Test
    void variantsListsEveryVariantWithItsSettings() {
        Result r = run("variants");
        assertEquals(0, r.code(), r.err());
        for (String v : List.of("grpo", "dr_grpo", "dapo", "gspo", "dhpo", "mc_grpo", "ngrpo", "gdpo", "a_grae",
                "seed_grpo", "unlikeliness", "opmd", "asymre", "llds")) {
            assertTrue(r.out().contains("\n" + v + " — ") || r.out().startsWith(v + " — "), v + " missing: " + r.out());
        }
        assertTrue(r.out().contains("epsilon_high"), r.out());
    }

    @Test
    void badInputGetsOneClearLine() throws IOException {
        Result unknown = run("train", project.toString(), "--variant", "grpoo", "--store", dir.resolve("x.db").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("field 'variant.name'") && unknown.err().contains("known variants: ") && unknown.err().contains(" grpo,"),
                unknown.err());
        assertTrue(!unknown.err().contains("\tat "), "no stack trace: " + unknown.err());

        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("project.yaml"), Files.readString(project.resolve("project.yaml")));
        List<String> data = new ArrayList<>(Files.readAllLines(project.resolve("data.jsonl")));
        data.set(41, "{\"id\":\"bad\",\"prompt\":\"1+1=\",\"answer\":[2]}");
        Files.write(broken.resolve("data.jsonl"), data);
        Result bad = run("eval", broken.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("data.jsonl:42: field 'answer': must be a string"), bad.err());
    }

    @Test
    void trustListsAProjectsPluginJarsAndTrainOnlyLoadsThemOnceTrusted() throws Exception {
        Path withPlugin = dir.resolve("with-plugin");
        copy(project, withPlugin);
        Files.writeString(withPlugin.resolve("project.yaml"), Files.readString(withPlugin.resolve("project.yaml"))
                .replaceFirst("rewards:\\n", "rewards:\n  - {name: short_answer, weight: 0.1}\n"));
        org.grpowb.core.plugin.PluginJarFixture.shortAnswerReward(withPlugin.resolve("plugins/short.jar"),
                "short_answer", 3, "");
        String trustFile = dir.resolve("trusted-plugins").toString();
        String before = System.getProperty("grpowb.trust.file");
        System.setProperty("grpowb.trust.file", trustFile);
        try {
            Result refused = run("train", withPlugin.toString(), "--steps", "1", "--json");
            assertEquals(2, refused.code(), refused.err());
            assertTrue(refused.err().contains("refusing to train with untrusted plugins")
                    && refused.err().contains("plugins/short.jar"), refused.err());

            Result listed = run("trust", withPlugin.toString());
            assertEquals(0, listed.code(), listed.err());
            assertTrue(listed.out().startsWith("untrusted") && listed.out().contains("sha256 "), listed.out());
            assertTrue(run("trust", withPlugin.toString(), "--yes").out().startsWith("now trusted"));
            assertTrue(run("trust", withPlugin.toString()).out().startsWith("trusted"));

            Result trained = run("train", withPlugin.toString(), "--steps", "1", "--json");
            assertEquals(0, trained.code(), trained.err());
        } finally {
            if (before == null) {
                System.clearProperty("grpowb.trust.file");
            } else {
                System.setProperty("grpowb.trust.file", before);
            }
        }
    }

    /** The project's files and warm start, without its runs. */
    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.sorted().toList()) {
                Path rel = from.relativize(f);
                if (rel.toString().startsWith("runs")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to.resolve(rel.toString()));
                } else {
                    Files.copy(f, to.resolve(rel.toString()));
                }
            }
        }
    }

    /** {@code model init} writes a folder that {@code hf-causal-lm} opens; a bad dtype is a usage error. */
    @Test
    void modelInitWritesAHuggingFaceFolder() throws Exception {
        Path config = Files.writeString(dir.resolve("qwen-tiny.json"), """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "max_position_embeddings": 64, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "vocab_size": 288,
                 "tie_word_embeddings": true, "use_sliding_window": false}
                """);
        // the hand-made byte-level BPE tokenizer of the adapter's tests (the build's working folder is app/cli)
        Path tokenizer = Path.of("../../model-adapters/hf-causal-lm/src/test/resources/text/tiny-byte-bpe");
        Path out = dir.resolve("qwen-tiny");
        Result r = run("model", "init", "--config", config.toString(), "--tokenizer", tokenizer.toString(), "--out",
                out.toString(), "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " in " + out);
        }
        try (var m = ai.djl.ndarray.NDManager.newBaseManager();
             var policy = new org.grpowb.hf.HfCausalLmFactory().load(m, out)) {
            assertEquals(64, policy.contextLength());
        }
        Result bad = run("model", "init", "--config", config.toString(), "--tokenizer", tokenizer.toString(), "--out",
                out.toString(), "--dtype", "int8");
        assertTrue(bad.code() != 0 && bad.err().contains("--dtype"), bad.err());
    }

    /** A one-layer Qwen2 of 17 056 parameters (counted by hand below) with the adapter tests' byte-level BPE. */
    private static Path tinyQwenFolder(String name) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".json"), """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "max_position_embeddings": 64, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "vocab_size": 288,
                 "tie_word_embeddings": true, "use_sliding_window": false}
                """);
        Path tokenizer = Path.of("../../model-adapters/hf-causal-lm/src/test/resources/text/tiny-byte-bpe");
        Path out = dir.resolve(name);
        Result r = run("model", "init", "--config", config.toString(), "--tokenizer", tokenizer.toString(), "--out",
                out.toString(), "--dtype", "bf16", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        return out;
    }

    /**
     * {@code model inspect} reads the architecture and size from the headers; a folder without a tokenizer is still
     * inspected, one without config.json is refused naming it.
     */
    @Test
    void modelInspectDescribesAFolderWithOrWithoutItsTokenizer() throws Exception {
        Path folder = tinyQwenFolder("inspect-me");
        Result r = run("model", "inspect", folder.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals("qwen2", o.get("model_type").asText());
        // embedding 288·32 = 9216; q 32·32 + 32; k and v 32·16 + 16 each; o 32·32; gate, up, down 3·32·48;
        // two norms 64; final norm 32
        assertEquals(9216 + (1056 + 528 + 528 + 1024 + 4608 + 64) + 32, o.get("parameters").asLong());
        // q, k, v, o, the MLP and the tied unembedding: 1024 + 512 + 512 + 1024 + 4608 + 9216
        assertEquals(16896, o.get("matmul_parameters").asLong());
        assertEquals("BF16", o.get("dtype").asText());
        assertTrue(o.get("weights_match_config").asBoolean());
        assertTrue(o.get("tokenizer").asBoolean());
        assertEquals(273, o.get("tokenizer_size").asInt());
        // the tiny BPE's tokenizer_config.json has no chat_template
        assertTrue(!o.get("chat_template").asBoolean());

        // model init without --tokenizer, the config as the argument: a folder with no tokenizer
        Path bare = dir.resolve("inspect-bare");
        Result init = run("model", "init", dir.resolve("inspect-me.json").toString(), "--out", bare.toString(),
                "--dtype", "bf16", "--seed", "3");
        assertEquals(0, init.code(), init.err());
        assertTrue(!Files.exists(bare.resolve("tokenizer.json")));
        Result b = run("model", "inspect", bare.toString(), "--json");
        assertEquals(0, b.code(), b.err());
        JsonNode bo = JSON.readTree(b.out());
        assertTrue(!bo.get("tokenizer").asBoolean() && !bo.get("chat_template").asBoolean(), b.out());
        assertEquals(o.get("parameters").asLong(), bo.get("parameters").asLong());

        Path empty = Files.createDirectories(dir.resolve("inspect-empty"));
        Result e = run("model", "inspect", empty.toString());
        assertTrue(e.code() != 0 && e.err().contains("config.json"), e.err());
    }

    /**
     * {@code model score} scores exactly the ids it is given: no BOS is added, the first token is unscored, the
     * total is the sum of the rest, and {@code --text} is the tokenizer's encoding with no special tokens.
     */
    @Test
    void modelScoreScoresExactlyTheGivenIds() throws Exception {
        Path folder = tinyQwenFolder("score-me");
        Result r = run("model", "score", folder.toString(), "--ids", "72,105,33,10", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode tokens = JSON.readTree(r.out()).get("tokens");
        assertEquals(4, tokens.size());
        int[] expected = {72, 105, 33, 10};
        double sum = 0;
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], tokens.get(k).get("id").asInt());
            if (k == 0) {
                assertTrue(tokens.get(k).get("logprob").isNull());
            } else {
                double lp = tokens.get(k).get("logprob").asDouble();
                assertTrue(lp < 0, "log-prob " + lp);
                assertTrue(tokens.get(k).get("entropy").asDouble() <= Math.log(273) + 1e-4);
                sum += lp;
            }
        }
        assertEquals(sum, JSON.readTree(r.out()).get("total_logprob").asDouble(), 1e-4);

        String text = "Hi there, 42!";
        Result t = run("model", "score", folder.toString(), "--text", text, "--json");
        assertEquals(0, t.code(), t.err());
        JsonNode textTokens = JSON.readTree(t.out()).get("tokens");
        try (org.grpowb.hf.text.HfTokenizerCodec codec = org.grpowb.hf.text.HfTokenizerCodec.load(folder)) {
            int[] ids = codec.encode(text);
            assertEquals(ids.length, textTokens.size());
            for (int k = 0; k < ids.length; k++) {
                assertEquals(ids[k], textTokens.get(k).get("id").asInt());
            }
        }
        Result none = run("model", "score", folder.toString(), "--ids", "72", "--json");
        assertTrue(none.code() != 0 && none.err().contains("two tokens"), none.err());
    }

    /**
     * {@code bench --model} measures a foreign folder on the project's prompts, with the project's tokenizer when the
     * folder has none, and reports model FLOPs utilisation against the GEMM ceiling it measured: a fraction of it.
     */
    @Test
    void benchMeasuresAModelFolderWithTheProjectsTokenizer() throws Exception {
        Path folder = tinyQwenFolder("bench-me");
        Path bare = Files.createDirectories(dir.resolve("bench-bare"));
        Files.copy(folder.resolve("config.json"), bare.resolve("config.json"));
        Files.copy(folder.resolve("model.safetensors"), bare.resolve("model.safetensors"));
        Result r = run("bench", project.toString(), "--model", bare.toString(), "--repeats", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertTrue(o.get("model").asText().startsWith("hf-causal-lm qwen2"), r.out());
        double mfu = o.get("train_mfu").asDouble();
        assertTrue(mfu > 0 && mfu <= 1, "train_mfu " + mfu);
        assertEquals(mfu, o.get("train_flops_per_s").asDouble() / (o.get("gemm_gflops").asDouble() * 1e9), 1e-9);
        assertTrue(o.get("peak_rss_mb").asLong() > 0);
        assertTrue(o.get("device").asText().startsWith("cpu ("), o.get("device").asText());
    }
}
