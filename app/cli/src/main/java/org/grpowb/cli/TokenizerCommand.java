package org.grpowb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grpowb.hf.text.ByteLevelBpeTrainer;
import org.grpowb.hf.text.HfTokenizerCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpowb tokenizer}: tools for Hugging Face tokenizer folders. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Hugging Face tokenizer folders.",
        subcommands = TokenizerCommand.Train.class)
final class TokenizerCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("grpowb tokenizer train --corpus FILE... --vocab-size N --out FOLDER [--min-frequency F]");
    }

    /**
     * {@code grpowb tokenizer train}: a byte-level BPE with ChatML special tokens and chat template, learned from text
     * files or a project's JSONL data, written as {@code tokenizer.json} and {@code tokenizer_config.json}.
     */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Learn a byte-level BPE (Qwen2 layout, ChatML) from a corpus; write tokenizer.json and "
                    + "tokenizer_config.json.")
    static final class Train implements Callable<Integer> {

        @Option(names = "--corpus", required = true, arity = "1..*", paramLabel = "FILE",
                description = "text files (each line a text) or .jsonl data files (each example's prompt and answer, "
                        + "as the ChatML exchange the model will see)")
        List<Path> corpus;

        @Option(names = "--vocab-size", required = true,
                description = "ids in all: 256 bytes + merges + 3 special tokens (at least 259)")
        int vocabSize;

        @Option(names = "--min-frequency", defaultValue = "2",
                description = "never merge a pair seen fewer times (default 2)")
        int minFrequency;

        @Option(names = "--out", required = true, description = "the folder to write")
        Path out;

        @Override
        public Integer call() throws Exception {
            ByteLevelBpeTrainer trainer = new ByteLevelBpeTrainer();
            long texts = 0;
            for (Path file : corpus) {
                texts += read(file, trainer);
            }
            ByteLevelBpeTrainer.Vocabulary v = trainer.train(vocabSize, minFrequency);
            v.write(out);
            try (HfTokenizerCodec check = HfTokenizerCodec.load(out)) {
                System.out.printf("wrote %s: %d ids (%d merges, 3 special tokens) from %d texts%n",
                        out.toAbsolutePath().normalize(), check.vocabSize(), v.merges().size(), texts);
            }
            return 0;
        }

        private static long read(Path file, ByteLevelBpeTrainer trainer) throws IOException {
            boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
            ObjectMapper json = new ObjectMapper();
            long n = 0;
            int line = 0;
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String text; (text = r.readLine()) != null; ) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    if (jsonl) {
                        JsonNode example;
                        try {
                            example = json.readTree(text);
                        } catch (IOException e) {
                            throw new IllegalArgumentException(file + ":" + line + ": not valid JSON", e);
                        }
                        if (!example.path("prompt").isTextual()) {
                            throw new IllegalArgumentException(file + ":" + line + ": field 'prompt': is missing");
                        }
                        text = ByteLevelBpeTrainer.chatExchange(example.get("prompt").asText(),
                                example.path("answer").asText(""));
                    }
                    trainer.add(text);
                    n++;
                }
            }
            return n;
        }
    }
}
