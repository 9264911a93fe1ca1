package org.grpowb.desktop.run;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import javafx.concurrent.Task;
import org.grpowb.core.engine.Evaluator;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.CheckpointRow;
import org.grpowb.core.store.RunStore;

/**
 * Long work: the held-out accuracy of a run's newest checkpoint on the project's eval split, reporting each batch as
 * progress and stopping between batches when cancelled.
 */
public final class CheckpointEvaluation extends Task<CheckpointEvaluation.Result> {

    /** What was evaluated and how it did. */
    public record Result(long runId, int step, double accuracy, int examples) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "run %d at step %d: eval accuracy %.1f%% on %d examples",
                    runId, step, 100 * accuracy, examples);
        }
    }

    private final Project project;
    private final Path storeFile;
    private final long requestedRunId;

    /** @param runId the run to evaluate, or −1 for the store's newest */
    public CheckpointEvaluation(Project project, Path storeFile, long runId) {
        this.project = project;
        this.storeFile = storeFile;
        this.requestedRunId = runId;
    }

    @Override
    protected Result call() throws Exception {
        long runId = requestedRunId;
        CheckpointRow ckpt;
        try (RunStore store = RunStore.open(storeFile)) {
            if (runId < 0) {
                runId = store.runs().stream().mapToLong(RunInfo::id).max()
                        .orElseThrow(() -> new IllegalStateException("no run to evaluate: the store is empty"));
            }
            long id = runId;
            ckpt = store.latestCheckpoint(runId)
                    .orElseThrow(() -> new IllegalStateException("run " + id + " has no checkpoint yet"));
        }
        String where = "run " + runId + ", step " + ckpt.step();
        updateMessage(where);
        double accuracy = Evaluator.evaluateCheckpoint(project, Path.of(ckpt.path()), (done, total) -> {
            if (isCancelled()) {
                throw new CancellationException("evaluation cancelled");
            }
            updateProgress(done, total);
            updateMessage(where + ": " + done + "/" + total + " examples");
        });
        int limit = project.training().schedule().evalExamples();
        int examples = limit > 0 ? Math.min(limit, project.data().eval().size()) : project.data().eval().size();
        return new Result(runId, ckpt.step(), accuracy, examples);
    }
}
