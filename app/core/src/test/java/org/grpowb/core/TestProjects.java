package org.grpowb.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes small real projects into a folder for tests. */
public final class TestProjects {

    private TestProjects() {
    }

    /** Single-digit addition "a+b=" with sums below 10: short completions, learnable in seconds by a tiny model. */
    public static List<String> tinyAdditionLines(int n, long seed, String split) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(5);
            int b = r.nextInt(5);
            lines.add("{\"id\":\"" + split + "-" + i + "\",\"prompt\":\"" + a + "+" + b + "=\",\"answer\":\"" + (a + b)
                    + "\",\"split\":\"" + split + "\"}");
        }
        return lines;
    }

    /**
     * Problems {@code t0..t(n-1)}, single-digit additions, each with two hint tiers of characters the character model
     * knows ({@code "0+"}, {@code "0+0+"}); {@code more} adds fields to problem i's line (e.g. its difficulty).
     */
    public static List<String> hintedProblems(int n, java.util.function.IntFunction<String> more) {
        List<String> lines = new ArrayList<>();
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(5);
            int b = r.nextInt(5);
            lines.add("{\"id\":\"t" + i + "\",\"prompt\":\"" + a + "+" + b + "=\",\"answer\":\"" + (a + b) + "\""
                    + more.apply(i) + ",\"hints\":[\"0+\",\"0+0+\"]}");
        }
        return lines;
    }

    /** The project.yaml of a tiny, fast configuration; {@code extra} is appended verbatim (more sections). */
    public static String tinyYaml(String variantBlock, String rewardsBlock, String trainingBlock) {
        return """
                name: tiny
                data:
                  train: train.jsonl
                  eval: eval.jsonl
                model:
                  name: tiny-gpt
                  init: warm
                  settings: {layers: 1, width: 32, heads: 2, context: 12}
                """ + variantBlock + rewardsBlock + trainingBlock + """
                sft: {steps: 60, batch: 32, learning_rate: 0.003, seed: 3}
                """;
    }

    public static final String GRPO = "variant: {name: grpo, settings: {beta: 0.02}}\n";
    public static final String EXACT = "rewards:\n  - {name: exact_answer, weight: 1.0}\n";

    public static String training(int steps, String more) {
        return "training: {steps: " + steps + ", seed: 5, prompts_per_step: 8, group_size: 4, learning_rate: 0.0005, "
                + "max_new_tokens: 3, eval_every: 0, checkpoint_every: 2" + (more.isEmpty() ? "" : ", " + more) + "}\n";
    }

    public static Path write(Path dir, String yaml) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("project.yaml"), yaml);
            Files.write(dir.resolve("train.jsonl"), tinyAdditionLines(200, 1, "train"));
            Files.write(dir.resolve("eval.jsonl"), tinyAdditionLines(40, 2, "eval"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
