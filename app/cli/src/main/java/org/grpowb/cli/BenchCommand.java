package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.core.engine.Throughput;
import org.grpowb.core.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grpowb bench}: sampling (with and without the KV cache) and training throughput of a project's policy. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure sampling and training throughput on one step's shapes.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--repeats", defaultValue = "20", description = "timed repeats (median reported)")
    int repeats;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Project project = opts.load(Map.of());
        Throughput.Result r = Throughput.measure(project, repeats);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            System.out.printf("%s on %s; %d completions per step (%d tokens)%n", r.model(), r.device(), r.rows(),
                    r.sampledTokens());
            System.out.printf("sampling with KV cache:    %,10.0f tokens/s%n", r.samplingKvTokensPerS());
            System.out.printf("sampling without KV cache: %,10.0f tokens/s%n", r.samplingNoKvTokensPerS());
            System.out.printf("training (score+backward): %,10.0f tokens/s%n", r.trainTokensPerS());
        }
        return 0;
    }
}
