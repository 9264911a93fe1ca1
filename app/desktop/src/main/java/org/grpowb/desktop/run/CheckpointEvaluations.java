package org.grpowb.desktop.run;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import org.grpowb.core.project.Project;
import org.grpowb.desktop.shell.LongWork;

/**
 * Run → Evaluate Latest Checkpoint: which run's checkpoint to evaluate, one evaluation at a time, and where its result
 * is told. It keeps that choice out of the main window; the evaluation itself is {@link CheckpointEvaluation}, run as
 * {@link LongWork} so the JavaFX thread never waits on it.
 */
public final class CheckpointEvaluations {

    /**
     * What the evaluations take from the window they run in.
     *
     * @param project        the open project, or null when none opened
     * @param storeFile      the open project's run store
     * @param selectedRunIds the runs selected in the run history, first the one to evaluate
     * @param refuse         a problem for the problems list: why nothing was started
     * @param announce       a notification
     * @param log            a line for the console
     */
    public record Host(Supplier<Project> project, Supplier<Path> storeFile, Supplier<List<Long>> selectedRunIds,
                       Consumer<String> refuse, Consumer<String> announce, Consumer<String> log) { }

    private final LongWork work;
    private final RunSession session;
    private final Host host;
    private Task<?> evaluation;

    public CheckpointEvaluations(LongWork work, RunSession session, Host host) {
        this.work = work;
        this.session = session;
        this.host = host;
    }

    /**
     * Evaluates the newest checkpoint of the run selected in the history (else the current run) on the project's eval
     * split, with progress per batch and Cancel.
     */
    public void evaluate() {
        Project project = host.project().get();
        if (project == null) {
            host.refuse().accept("open a project first");
            return;
        }
        if (evaluation != null && !evaluation.isDone()) {
            host.announce().accept("An evaluation is in progress; cancel it first to start another");
            return;
        }
        List<Long> selected = host.selectedRunIds().get();
        long runId = !selected.isEmpty() ? selected.get(0) : session.runId();
        evaluation = work.submit("Evaluating", new CheckpointEvaluation(project, host.storeFile().get(), runId),
                result -> {
                    host.log().accept(result.toString());
                    host.announce().accept(result.toString());
                });
    }
}
