package org.grpowb.core.curriculum;

/**
 * Where a run is in its curriculum.
 *
 * @param stage         0-based index of the current stage
 * @param enteredAtStep the first training step (1-based) trained in this stage
 */
public record CurriculumState(int stage, int enteredAtStep) {

    public CurriculumState {
        if (stage < 0 || enteredAtStep < 1) {
            throw new IllegalArgumentException("bad curriculum state: stage " + stage + ", entered at step " + enteredAtStep);
        }
    }

    /** The start of every run: stage 0 from step 1. */
    public static CurriculumState start() {
        return new CurriculumState(0, 1);
    }
}
