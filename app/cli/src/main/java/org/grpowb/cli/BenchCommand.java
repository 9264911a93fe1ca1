package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.api.TokenCodec;
import org.grpowb.core.engine.Throughput;
import org.grpowb.core.project.Project;
import org.grpowb.hf.HfCausalLmFactory;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.text.PromptFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grpowb bench}: sampling (with and without the KV cache) and training throughput of a project's policy, or of
 * any Hugging Face model folder on the project's prompts, with model FLOPs utilisation against the GEMM ceiling
 * measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure sampling and training throughput on one step's shapes.")
final class BenchCommand implements Callable<Integer> {

    /** The context a foreign model folder is opened with when the project does not say (ours: the adapter's default). */
    private static final int DEFAULT_CONTEXT = 1024;

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--repeats", defaultValue = "20", description = "timed repeats (median reported)")
    int repeats;

    @Option(names = "--model", description = "a Hugging Face model folder to measure instead of the project's model; "
            + "without a tokenizer it uses the project model's tokenizer, whose ids must fit its vocabulary")
    Path model;

    @Option(names = "--kv-only", description = "time sampling with the KV cache only (without it, sampling a large model "
            + "recomputes the prefix every token and takes minutes)")
    boolean kvOnly;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Project project = opts.load(Map.of());
        Throughput.Result r = model == null ? Throughput.measure(project, repeats, !kvOnly)
                : Throughput.measure(project, base -> openFolder(project, base), repeats, !kvOnly);
        if (json) {
            System.out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(r));
        } else {
            System.out.printf("%s%ndevice %s; %d completions per step (%d tokens)%n", r.model(), r.device(), r.rows(),
                    r.sampledTokens());
            System.out.printf("sampling with KV cache:    %,10.0f tokens/s%n", r.samplingKvTokensPerS());
            if (!Double.isNaN(r.samplingNoKvTokensPerS())) {
                System.out.printf("sampling without KV cache: %,10.0f tokens/s%n", r.samplingNoKvTokensPerS());
            }
            System.out.printf("training (score+backward): %,10.0f tokens/s, %.2f GFLOP/s%n", r.trainTokensPerS(),
                    r.trainFlopsPerS() / 1e9);
            System.out.printf("GEMM ceiling (float32):    %,10.1f GFLOP/s%n", r.gemmGflops());
            System.out.printf("train_mfu:                 %10.3f%n", r.trainMfu());
            System.out.printf("peak RSS:                  %,10d MiB%n", r.peakRssMb());
        }
        return 0;
    }

    /**
     * The folder as the project would open it: the project's context and prompt format when its model is a Hugging
     * Face one too; without a tokenizer, the project's own tokenizer and raw prompts.
     */
    private HfCausalLm openFolder(Project project, ai.djl.ndarray.NDManager base) throws java.io.IOException {
        boolean sameFamily = project.model().factory().name().equals(HfCausalLmFactory.NAME);
        int max = HfConfigReader.read(model).maxPositionEmbeddings();
        int context = Math.min(max, sameFamily ? project.model().settings().integer("context") : DEFAULT_CONTEXT);
        if (Files.isRegularFile(model.resolve("tokenizer.json"))) {
            return HfCausalLmFactory.open(base, model, context,
                    sameFamily ? project.model().settings().choice("prompt_format") : "auto");
        }
        TokenCodec codec = project.model().factory().codec(project.model().settings(), project.model().init());
        return HfCausalLm.open(base, model, codec, context, new PromptFormat.Raw(""), "raw");
    }
}
