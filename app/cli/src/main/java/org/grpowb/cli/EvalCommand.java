package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.core.engine.Evaluator;
import org.grpowb.core.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grpowb eval}: held-out exact-match accuracy of a checkpoint (greedy decoding). */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint on the project's eval split.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--checkpoint", description = "policy or run-checkpoint folder (default: the project's model.init)")
    Path checkpoint;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Project project = opts.load(Map.of());
        Path ckpt = checkpoint != null ? checkpoint : project.model().init();
        if (ckpt == null) {
            throw new IllegalArgumentException("the project names no model.init; pass --checkpoint");
        }
        long t0 = System.nanoTime();
        double acc = Evaluator.evaluateCheckpoint(project, ckpt);
        double wall = (System.nanoTime() - t0) / 1e9;
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("checkpoint", ckpt.toString());
            o.put("eval_examples", project.data().eval().size());
            TrainCommand.putNumber(o, "eval_accuracy", acc);
            o.put("wall_s", Math.round(wall * 10) / 10.0);
            System.out.println(o);
        } else {
            System.out.printf("%s: eval accuracy %.1f%% on %d examples (%.1f s)%n", ckpt, 100 * acc,
                    project.data().eval().size(), wall);
        }
        return 0;
    }
}
