package org.grpowb.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.grpowb.core.engine.Edits;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpowb steer}: submits a live edit to a running run. The run applies it at its next step boundary, or refuses
 * it with a reason and goes on; {@code --wait} waits for that verdict.
 */
@Command(name = "steer", mixinStandardHelpOptions = true,
        description = "Edit a running run: hints, curriculum, or one setting; applied at its next step boundary.")
final class SteerCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, description = "SQLite run store of the running run")
    Path store;

    @Option(names = "--run", required = true, description = "run id")
    long run;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--hints", description = "hints file (JSONL: {\"id\": ..., \"hints\": [...]} per line)")
        Path hints;

        @Option(names = "--curriculum", description = "curriculum file (YAML or JSON)")
        Path curriculum;

        @Option(names = "--set", description = "key=value, e.g. training.learning_rate=3e-5, hints.policy=scaf_grpo, "
                + "curriculum.sampler=prompt_gdro, curriculum.stage=hard")
        String set;

        @Option(names = "--reload-plugins", description = "reload the project's plugin files (a replaced jar, .java or "
                + ".py, once trusted) so that their rewards score with the new version from the next step")
        boolean reloadPlugins;
    }

    @Option(names = "--wait", description = "seconds to wait for the run to apply or refuse the edit (0: do not wait)",
            defaultValue = "0")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(store)) {
            throw new IllegalArgumentException("no store at " + store);
        }
        String kind;
        ObjectNode payload;
        if (what.hints != null) {
            kind = Edits.HINTS;
            payload = Edits.hintsFile(what.hints);
        } else if (what.curriculum != null) {
            kind = Edits.CURRICULUM;
            payload = Edits.curriculumFile(what.curriculum);
        } else if (what.reloadPlugins) {
            kind = Edits.PLUGINS;
            payload = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        } else {
            kind = Edits.SET;
            payload = Edits.set(what.set);
        }
        try (RunStore s = RunStore.open(store)) {
            long id = s.submitEdit(run, kind, payload.toString(), "cli");
            System.out.println("edit " + id + " submitted to run " + run + " (" + kind + "): applied at the run's next"
                    + " step boundary");
            long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
            while (waitSeconds > 0 && System.nanoTime() < deadline) {
                Optional<EditRecord> e = find(s.edits(run), id);
                if (e.isPresent() && !e.get().status().equals("pending")) {
                    EditRecord r = e.get();
                    if (r.status().equals("applied")) {
                        System.out.println("edit " + id + " applied before step " + r.step() + ": version "
                                + r.version());
                        return 0;
                    }
                    System.err.println("edit " + id + " refused before step " + r.step() + ": " + r.reason());
                    return 1;
                }
                Thread.sleep(200);
            }
            if (waitSeconds > 0) {
                System.err.println("edit " + id + " still pending after " + waitSeconds + " s");
                return 2;
            }
        }
        return 0;
    }

    private static Optional<EditRecord> find(List<EditRecord> edits, long id) {
        return edits.stream().filter(e -> e.id() == id).findFirst();
    }
}
