package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpowb edits}: a run's live edits, in the order they were submitted, with what became of each. */
@Command(name = "edits", mixinStandardHelpOptions = true, description = "List a run's live edits and their outcome.")
final class EditsCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, description = "SQLite run store")
    Path store;

    @Option(names = "--run", required = true, description = "run id")
    long run;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(store)) {
            throw new IllegalArgumentException("no store at " + store);
        }
        try (RunStore s = RunStore.open(store)) {
            if (s.run(run).isEmpty()) {
                throw new IllegalArgumentException("no run " + run + " in " + store);
            }
            List<EditRecord> edits = s.edits(run);
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ArrayNode arr = om.createArrayNode();
                for (EditRecord e : edits) {
                    ObjectNode o = arr.addObject();
                    o.put("id", e.id());
                    o.put("created_at", e.createdAt());
                    o.put("kind", e.kind());
                    o.set("payload", om.readTree(e.payloadJson()));
                    o.put("source", e.source());
                    o.put("status", e.status());
                    if (e.step() != null) {
                        o.put("step", e.step());
                    }
                    if (e.version() != null) {
                        o.put("version", e.version());
                    }
                    if (e.reason() != null) {
                        o.put("reason", e.reason());
                    }
                }
                System.out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
            } else {
                System.out.printf("%-5s %-11s %-8s %-6s %-8s %s%n", "edit", "kind", "status", "step", "version",
                        "what");
                for (EditRecord e : edits) {
                    String what = e.status().equals("refused") ? e.payloadJson() + "  (" + e.reason() + ")"
                            : e.payloadJson();
                    if (what.length() > 100) {
                        what = what.substring(0, 97) + "...";
                    }
                    System.out.printf("%-5d %-11s %-8s %-6s %-8s %s%n", e.id(), e.kind(), e.status(),
                            e.step() == null ? "-" : e.step(), e.version() == null ? "-" : e.version(), what);
                }
            }
        }
        return 0;
    }
}
