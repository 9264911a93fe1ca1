package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.core.engine.RunSummary;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.hf.text.HfTokenizerCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word-problems sample project as shipped: its data (three levels, every answer the arithmetic its story spells),
 * its model (a small Qwen2 in Hugging Face format with the project's own byte-level BPE and ChatML template, within
 * the repository's 10 MB) and real GRPO steps on its warm start, with every variant selectable.
 */
class WordProblemsProjectTest {

    static final Path PROJECT = Path.of("../../sample-projects/word-problems");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An event of the story: "She buys 5 more.", "He gives 3 to a friend.", "A friend gives her 2 more." */
    private static final Pattern SENTENCE = Pattern.compile("[^.?]+[.?]");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern TERM = Pattern.compile("([+-]?)(\\d+)");

    private static Project project;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        project = new ProjectLoader(PluginRegistry.discover()).load(PROJECT);
    }

    @Test
    void threeLevelsInBothSplitsAndEveryAnswerIsItsStoryRecomputed() {
        for (List<Example> split : List.of(project.data().train(), project.data().eval())) {
            Map<Integer, Integer> perLevel = new LinkedHashMap<>();
            for (Example e : split) {
                int level = Integer.parseInt(e.fields().get("level"));
                perLevel.merge(level, 1, Integer::sum);
                checkStory(e, level);
            }
            assertEquals(Set.of(1, 2, 3), perLevel.keySet(), "levels");
            assertEquals(1, new HashSet<>(perLevel.values()).size(), "as many problems at each level: " + perLevel);
        }
        Set<String> trainPrompts = new HashSet<>();
        project.data().train().forEach(e -> trainPrompts.add(e.prompt()));
        assertTrue(project.data().eval().stream().noneMatch(e -> trainPrompts.contains(e.prompt())),
                "an eval prompt occurs in the training split");
    }

    /**
     * The story's sentences: the start, one per operation, the question. Each operation sentence says "more" exactly
     * when it adds; its number is the operation's; the answer is the running total, which never leaves [0, 30].
     */
    private static void checkStory(Example e, int level) {
        List<String> sentences = new ArrayList<>();
        Matcher s = SENTENCE.matcher(e.prompt());
        while (s.find()) {
            sentences.add(s.group().strip());
        }
        assertEquals(level + 2, sentences.size(), e.prompt());
        assertTrue(sentences.get(level + 1).startsWith("How many "), e.prompt());
        int total = onlyNumber(sentences.get(0), e);
        StringBuilder expression = new StringBuilder(Integer.toString(total));
        for (int op = 1; op <= level; op++) {
            String sentence = sentences.get(op);
            int amount = onlyNumber(sentence, e);
            boolean adds = sentence.contains(" more");
            total += adds ? amount : -amount;
            assertTrue(total >= 0 && total <= 30, "running total " + total + " in " + e.prompt());
            expression.append(adds ? '+' : '-').append(amount);
        }
        assertEquals(expression.toString(), e.fields().get("expression"), e.prompt());
        assertEquals(Integer.toString(total), e.answer(), e.prompt());
        assertEquals(Integer.toString(evaluate(e.fields().get("expression"))), e.answer(), e.id());
        assertTrue(e.fields().get("hint").endsWith("The answer is " + total + "."), e.fields().get("hint"));
    }

    private static int onlyNumber(String sentence, Example e) {
        Matcher m = NUMBER.matcher(sentence);
        assertTrue(m.find(), "no number in '" + sentence + "' of " + e.id());
        int n = Integer.parseInt(m.group());
        assertFalse(m.find(), "two numbers in '" + sentence + "' of " + e.id());
        return n;
    }

    private static int evaluate(String expression) {
        int value = 0;
        Matcher m = TERM.matcher(expression);
        while (m.find()) {
            value += (m.group(1).equals("-") ? -1 : 1) * Integer.parseInt(m.group(2));
        }
        return value;
    }

    @Test
    void theModelIsASmallQwen2InHfFormatWithItsOwnTokenizerAndChatMl() throws IOException {
        Path model = project.model().init();
        JsonNode config = JSON.readTree(model.resolve("config.json").toFile());
        assertEquals("qwen2", config.path("model_type").asText());
        assertTrue(config.path("tie_word_embeddings").asBoolean());
        assertTrue(config.path("num_key_value_heads").asInt() < config.path("num_attention_heads").asInt(), "GQA");
        long bytes;
        try (Stream<Path> files = Files.walk(model)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(bytes <= 10_000_000, "the model folder holds " + bytes + " bytes");
        // the shipped model's tokenizer is the one `grpowb tokenizer train` wrote into the project
        assertEquals(Files.readString(PROJECT.resolve("tokenizer/tokenizer.json")),
                Files.readString(model.resolve("tokenizer.json")));
        try (HfTokenizerCodec codec = HfTokenizerCodec.load(model);
             NDManager m = NDManager.newBaseManager();
             PolicyModel policy = project.model().factory().load(m, model, project.model().settings())) {
            assertEquals("<|im_end|>", codec.eosToken());
            for (int digit = 0; digit <= 9; digit++) {
                assertEquals(1, codec.encode(Integer.toString(digit)).length);
            }
            // the prompt as the model sees it is the user turn of the ChatML template
            String prompt = project.data().eval().get(0).prompt();
            assertArrayEquals(codec.encode("<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n"),
                    policy.encodePrompt(prompt));
            int longest = 0;
            for (List<Example> split : List.of(project.data().train(), project.data().eval())) {
                for (Example e : split) {
                    longest = Math.max(longest, policy.encodePrompt(e.prompt()).length);
                }
            }
            assertTrue(longest + project.training().sampling().maxNewTokens() <= policy.contextLength(),
                    "longest prompt " + longest + " tokens does not leave the completion room in " + policy.contextLength());
        }
    }

    /**
     * The commands of the project's README in miniature: a tokenizer from the training data, random weights for the
     * shipped config, a few supervised steps from them; the result is a Hugging Face folder the adapter opens.
     */
    @Test
    void theRecipeRunsInMiniature() throws IOException {
        Path tokenizer = dir.resolve("tokenizer");
        CliTest.Result tok = CliTest.run("tokenizer", "train", "--corpus", PROJECT.resolve("data/train.jsonl").toString(),
                "--vocab-size", "448", "--out", tokenizer.toString());
        assertEquals(0, tok.code(), tok.err());
        // the corpus and the trainer are deterministic: the shipped tokenizer is what the command writes
        assertEquals(Files.readString(PROJECT.resolve("tokenizer/tokenizer.json")),
                Files.readString(tokenizer.resolve("tokenizer.json")));
        Path init = dir.resolve("random-init");
        CliTest.Result model = CliTest.run("model", "init", "--config", PROJECT.resolve("qwen2-tiny.json").toString(),
                "--tokenizer", tokenizer.toString(), "--out", init.toString(), "--seed", "1");
        assertEquals(0, model.code(), model.err());
        // a Hugging Face model is its folder: sft.from must name one that exists
        CliTest.Result none = CliTest.run("sft", PROJECT.toString(), "--output", dir.resolve("none").toString(),
                "--set", "sft.from=" + dir.resolve("missing").toAbsolutePath());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("field 'sft.from': no model folder at"), none.err());
        Path warm = dir.resolve("warm-start");
        CliTest.Result sft = CliTest.run("sft", PROJECT.toString(), "--output", warm.toString(),
                "--set", "sft.from=" + init.toAbsolutePath(), "--set", "sft.steps=3", "--set", "sft.batch=8",
                "--set", "training.eval_examples=8");
        assertEquals(0, sft.code(), sft.err());
        assertTrue(sft.out().contains("warm start saved to"), sft.out());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(warm.resolve(f)), f);
        }
        try (NDManager m = NDManager.newBaseManager();
             PolicyModel opened = project.model().factory().load(m, warm, project.model().settings());
             PolicyModel before = project.model().factory().load(m, init, project.model().settings())) {
            String name = "model.embed_tokens.weight";
            assertFalse(java.util.Arrays.equals(before.parameters().get(name).toFloatArray(),
                    opened.parameters().get(name).toFloatArray()), "three supervised steps moved the weights");
        }
    }

    @Test
    void grpoStepsOnTheShippedWarmStartFindSignalAndCheckpointInHfFormat() throws Exception {
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("training.steps", 2);
        small.put("training.prompts_per_step", 8);
        small.put("training.group_size", 8);
        small.put("training.eval_every", 0);
        small.put("training.eval_examples", 60);
        small.put("training.checkpoint_every", 2);
        Project p = new ProjectLoader(PluginRegistry.discover()).load(PROJECT, small);
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, e -> { }).start();
            assertEquals("done", s.status(), s.message());
            assertEquals(2, s.steps());
            // weak but not hopeless: the warm start answers some held-out problems and misses most
            assertTrue(s.evalAccuracyBefore() > 0.1 && s.evalAccuracyBefore() < 0.7, "warm start " + s.evalAccuracyBefore());
            // groups with both right and wrong answers carry a group-relative advantage from the first step
            boolean mixed = false;
            for (int step = 1; step <= 2; step++) {
                StepRecord record = store.step(s.runId(), step).orElseThrow();
                for (GroupRecord g : record.groups()) {
                    Set<Double> rewards = new TreeSet<>();
                    for (RolloutRecord r : g.rollouts()) {
                        rewards.add(r.reward());
                    }
                    mixed |= rewards.size() > 1;
                }
            }
            assertTrue(mixed, "no group mixed right and wrong answers");
            Path checkpoint = TrainingRun.checkpointRoot(dir.resolve("runs.db"), s.runId());
            try (Stream<Path> files = Files.walk(checkpoint)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertTrue(names.contains("model.safetensors") && names.contains("config.json")
                        && names.contains("tokenizer_config.json"), names.toString());
            }
        }
    }

    @Test
    void everyVariantIsSelectableAndTakesAStep() throws Exception {
        PluginRegistry plugins = PluginRegistry.discover();
        for (String variant : plugins.variantNames()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("variant.name", variant);
            o.put("training.steps", 1);
            o.put("training.prompts_per_step", 2);
            o.put("training.group_size", 4);
            o.put("training.eval_every", 0);
            o.put("training.eval_examples", 4);
            Project p = new ProjectLoader(plugins).load(PROJECT, o);
            assertEquals(variant, p.variant().variant().name());
            try (RunStore store = RunStore.open(dir.resolve(variant + ".db"))) {
                RunSummary s = new TrainingRun(p, store, e -> { }).start();
                assertEquals("done", s.status(), variant + ": " + s.message());
                assertEquals(1, s.steps(), variant);
            }
        }
    }
}
