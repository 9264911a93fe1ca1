package org.grpowb.api;

/**
 * The closed interval [min, max] a reward function's scores lie in.
 *
 * @param min the lowest score the function can give
 * @param max the highest score the function can give; must be at least {@code min}
 */
public record ScoreRange(double min, double max) {

    /** [0, 1]: a verifier's fail/pass, or a partial-credit fraction. */
    public static final ScoreRange UNIT = new ScoreRange(0, 1);

    public ScoreRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("a score range needs finite min <= max, got [" + min + ", " + max + "]");
        }
    }

    public boolean contains(double score) {
        return score >= min && score <= max;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
