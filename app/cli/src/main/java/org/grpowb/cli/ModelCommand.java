package org.grpowb.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grpowb.hf.RandomInit;
import org.grpowb.hf.safetensors.Dtype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpowb model}: tools for Hugging Face model folders. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Hugging Face model folders.",
        subcommands = ModelCommand.Init.class)
final class ModelCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("grpowb model init --config CONFIG.json --tokenizer FOLDER --out FOLDER [--seed S] [--dtype bf16]");
    }

    /**
     * {@code grpowb model init}: a folder with random weights for a config.json and a tokenizer, as transformers
     * initialises them: to measure a real architecture where its weights cannot be downloaded.
     */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a model folder with random weights for a config.json and a tokenizer folder.")
    static final class Init implements Callable<Integer> {

        @Option(names = "--config", required = true, description = "a config.json (e.g. Qwen2.5-0.5B's)")
        Path config;

        @Option(names = "--tokenizer", required = true,
                description = "folder with tokenizer.json and tokenizer_config.json")
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
            RandomInit.write(config, tokenizer, out, seed, d);
            System.out.println("wrote " + out.toAbsolutePath().normalize());
            return 0;
        }
    }
}
