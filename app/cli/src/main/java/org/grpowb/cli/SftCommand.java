package org.grpowb.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.engine.WarmStart;
import org.grpowb.core.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grpowb sft}: the supervised warm start that writes the project's {@code model.init} checkpoint. */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised warm start from random weights, or from the model folder sft.from names; writes the "
                + "project's model.init checkpoint.")
final class SftCommand implements Callable<Integer> {

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--output", description = "checkpoint folder (default: the project's model.init)")
    Path output;

    @Override
    public Integer call() throws Exception {
        Project project = opts.load(Map.of());
        System.err.println("device: " + ComputeDevice.current().line());
        int total = project.sft().steps();
        long t0 = System.nanoTime();
        WarmStart.Result r = new WarmStart(project).run(output, step -> {
            if (step % 10 == 0 || step == total) {
                System.err.printf("\rsft step %d/%d  %.0fs   ", step, total, (System.nanoTime() - t0) / 1e9);
            }
        });
        System.err.println();
        System.out.printf("warm start saved to %s: final NLL %.4f, eval accuracy %.1f%%, %.1f s%n", r.checkpoint(),
                r.finalNll(), 100 * r.evalAccuracy(), r.wallSeconds());
        return 0;
    }
}
