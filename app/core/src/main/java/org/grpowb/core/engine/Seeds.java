package org.grpowb.core.engine;

/**
 * Derives independent seeds from (run seed, step, purpose). Every random choice of a step is a function of these,
 * never of state carried between steps, so a resumed run draws exactly what the uninterrupted run would have.
 */
final class Seeds {

    static final int SAMPLING = 1;
    static final int PROMPTS = 2;
    static final int INIT = 3;
    static final int SFT = 4;
    static final int PROBE = 5;
    static final int SHUFFLE = 6;
    /** Dynamic-sampling round r uses purpose {@code RESAMPLE + r}. */
    static final int RESAMPLE = 100;
    /** A step's hinted replacement rollouts, for a draw of purpose p, use purpose {@code HINTED + p}. */
    static final int HINTED = 10_000;
    /** Groups of the k-th distinct size after the first, for a draw of purpose p, use {@code SIZE * k + p}. */
    static final int SIZE = 100_000;

    private Seeds() {
    }

    /** SplitMix64 finaliser over the combined inputs: cheap and well mixed. */
    static long derive(long seed, long step, int purpose) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + purpose * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
