package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.core.engine.RunComparison;
import org.grpowb.core.engine.RunSummary;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.project.Project;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grpowb compare}: trains several variants (or settings) on one project with the same seed and budget, one
 * after another, into one store, and tabulates how they differ.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run several variants or settings with the same seed and budget and tabulate the results.")
final class CompareCommand implements Callable<Integer> {

    @Mixin
    ProjectOptions opts = new ProjectOptions();

    @Option(names = "--variants", split = ",", description = "variants to compare, e.g. grpo,dr_grpo,mc_grpo")
    List<String> variants = new ArrayList<>();

    @Option(names = "--config", paramLabel = "LABEL:KEY=VALUE[,KEY=VALUE]",
            description = "a settings change to compare, e.g. 'thr+:training.thr_reweight=0.2' (repeatable)")
    List<String> configs = new ArrayList<>();

    @Option(names = "--store", description = "SQLite run store (default: PROJECT/runs/compare.db)")
    Path store;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Map<String, Object>> arms = new LinkedHashMap<>();
        for (String v : variants) {
            arms.put(v, Map.of("variant.name", v));
        }
        for (String c : configs) {
            int colon = c.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--config must look like LABEL:KEY=VALUE[,KEY=VALUE], got '" + c + "'");
            }
            Map<String, Object> o = new LinkedHashMap<>();
            for (String kv : c.substring(colon + 1).split(",")) {
                String[] parts = kv.split("=", 2);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("--config '" + c + "': '" + kv + "' is not KEY=VALUE");
                }
                o.put(parts[0].trim(), parts[1].trim());
            }
            arms.put(c.substring(0, colon), o);
        }
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("name what to compare with --variants and/or --config");
        }
        Project first = opts.load(arms.values().iterator().next());
        Path storeFile = ProjectOptions.ensureParent(store != null ? store
                : first.dir().resolve("runs").resolve("compare.db"));
        List<RunComparison> rows = new ArrayList<>();
        try (RunStore runStore = RunStore.open(storeFile)) {
            for (Map.Entry<String, Map<String, Object>> arm : arms.entrySet()) {
                Project p = opts.load(arm.getValue());
                System.err.printf("compare: %s (%d steps)...%n", arm.getKey(), p.training().schedule().steps());
                RunSummary s = new TrainingRun(p, runStore, null).start();
                if (!s.status().equals("done")) {
                    System.err.printf("compare: %s ended %s: %s%n", arm.getKey(), s.status(), s.message());
                }
                rows.add(RunComparison.of(arm.getKey(), runStore, s.runId(), s.wallSeconds()));
            }
        }
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ArrayNode arr = om.createArrayNode();
            for (RunComparison r : rows) {
                ObjectNode o = arr.addObject();
                o.put("label", r.label());
                o.put("run_id", r.runId());
                TrainCommand.putNumber(o, "eval_accuracy_before", r.evalAccuracyBefore());
                TrainCommand.putNumber(o, "eval_accuracy_after", r.evalAccuracyAfter());
                TrainCommand.putNumber(o, "mean_flip_rate", r.meanFlipRate());
                TrainCommand.putNumber(o, "zero_adv_frac", r.zeroAdvFrac());
                TrainCommand.putNumber(o, "mean_entropy", r.meanEntropy());
                TrainCommand.putNumber(o, "tokens_per_s", r.tokensPerS());
                TrainCommand.putNumber(o, "wall_s", r.wallSeconds());
                if (r.passK() > 0) {
                    TrainCommand.putNumber(o, "eval_pass_at_" + r.passK() + "_after", r.evalPassAtKAfter());
                }
                TrainCommand.putNumber(o, "median_step_ms", r.medianStepMs());
            }
            System.out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        } else {
            System.out.printf("%-28s %5s %8s %8s %9s %9s %9s %8s %9s %8s %7s%n", "arm", "run", "eval@0", "eval@end",
                    "pass@k", "flip rate", "zero-adv", "entropy", "tokens/s", "step ms", "wall s");
            for (RunComparison r : rows) {
                String passAtK = Double.isNaN(r.evalPassAtKAfter()) ? "—"
                        : String.format("%.1f%%", 100 * r.evalPassAtKAfter());
                System.out.printf("%-28s %5d %7.1f%% %7.1f%% %9s %9.4f %9.3f %8.3f %9.0f %8.1f %7.1f%n", r.label(),
                        r.runId(), 100 * r.evalAccuracyBefore(), 100 * r.evalAccuracyAfter(), passAtK,
                        r.meanFlipRate(), r.zeroAdvFrac(), r.meanEntropy(), r.tokensPerS(), r.medianStepMs(),
                        r.wallSeconds());
            }
            System.out.println("store: " + storeFile);
        }
        return 0;
    }
}
