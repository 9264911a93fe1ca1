package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpowb runs}: the runs in a store. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List the runs in a store.")
final class RunsCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, description = "SQLite run store")
    Path store;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(store)) {
            throw new IllegalArgumentException("no store at " + store);
        }
        try (RunStore s = RunStore.open(store)) {
            List<RunInfo> runs = s.runs();
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ArrayNode arr = om.createArrayNode();
                for (RunInfo r : runs) {
                    var o = arr.addObject();
                    o.put("run_id", r.id());
                    o.put("project", r.project());
                    o.put("variant", r.variant());
                    o.put("seed", r.seed());
                    o.put("status", r.status());
                    o.put("created_at", r.createdAt());
                    o.put("last_step", r.lastStep());
                    var evals = o.putArray("evals");
                    for (EvalRecord e : s.evals(r.id())) {
                        var eo = evals.addObject();
                        eo.put("step", e.step());
                        TrainCommand.putNumber(eo, "accuracy", e.accuracy());
                    }
                    o.set("config", om.readTree(r.configJson()));
                }
                System.out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
            } else {
                System.out.printf("%-5s %-14s %-10s %-6s %-8s %-6s %-10s %s%n", "run", "project", "variant", "seed",
                        "status", "steps", "eval", "created");
                for (RunInfo r : runs) {
                    List<EvalRecord> ev = s.evals(r.id());
                    String acc = ev.isEmpty() ? "-" : String.format("%.1f%%", 100 * ev.get(ev.size() - 1).accuracy());
                    System.out.printf("%-5d %-14s %-10s %-6d %-8s %-6d %-10s %s%n", r.id(), r.project(), r.variant(),
                            r.seed(), r.status(), r.lastStep(), acc, r.createdAt());
                }
            }
        }
        return 0;
    }
}
