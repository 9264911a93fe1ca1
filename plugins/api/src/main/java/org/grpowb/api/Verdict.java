package org.grpowb.api;

/** Whether a verifier judged a completion correct; accuracy counts only {@link #CORRECT} over verified rollouts. */
public enum Verdict {
    CORRECT,
    INCORRECT,
    /** The reward function scores style or shape, not correctness. */
    UNVERIFIED
}
