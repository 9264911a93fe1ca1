package org.grpowb.core.engine;

import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepRecord;

/**
 * What a run tells its subscribers, one typed event at a time, on the training thread. Subscribers must return
 * quickly (a UI queues the event and coalesces per frame); the records are immutable and safe to keep.
 */
public sealed interface RunEvent {

    long runId();

    /** The run began (or resumed) at {@code firstStep} of {@code totalSteps}. */
    record Started(long runId, int firstStep, int totalSteps, String configJson) implements RunEvent {
    }

    record StepCompleted(long runId, StepRecord step) implements RunEvent {
    }

    record EvalCompleted(long runId, EvalRecord eval) implements RunEvent {
    }

    record CheckpointSaved(long runId, int step, String path) implements RunEvent {
    }

    /** The update of a step was skipped because its loss was NaN or infinite. */
    record NonFiniteLoss(long runId, int step, int inARow) implements RunEvent {
    }

    /**
     * A live edit took effect at the boundary before step {@code step}: groups from that step on are sampled under
     * {@code version}.
     */
    record EditApplied(long runId, int step, EditRecord edit, int version) implements RunEvent {
    }

    /** A live edit was refused at the boundary before step {@code step}; the run goes on as it was. */
    record EditRefused(long runId, int step, EditRecord edit, String reason) implements RunEvent {
    }

    /** The curriculum moved to stage {@code stage} ({@code name}), trained from step {@code step} on. */
    record StageChanged(long runId, int step, int stage, String name) implements RunEvent {
    }

    /**
     * The run paused before step {@code step}, which was not applied ({@code reason}: a reward failing on most of its
     * rollouts). {@link TrainingRun#resumeTraining} retries the step (after the plugin is fixed, replaced or disabled);
     * {@link TrainingRun#requestStop} ends the run as {@code stopped}, resumable.
     */
    record Paused(long runId, int step, String reason) implements RunEvent {
    }

    /** The run ended: {@code status} is {@code done}, {@code stopped} or {@code failed}. */
    record Finished(long runId, RunSummary summary) implements RunEvent {
    }
}
