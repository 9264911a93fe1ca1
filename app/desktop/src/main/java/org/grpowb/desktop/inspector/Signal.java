package org.grpowb.desktop.inspector;

import org.grpowb.core.run.TokenTrace;

/** A per-token value the inspector can colour tokens by. */
public enum Signal {
    ADVANTAGE("advantage", Scale.DIVERGING),
    LOGPROB("log-prob (old)", Scale.SEQUENTIAL),
    LOGPROB_CURRENT("log-prob (current)", Scale.SEQUENTIAL),
    ENTROPY("entropy", Scale.SEQUENTIAL),
    /** Coloured by log ρ = log π_θ − log π_old, so that ratios 2 and ½ sit equally far from the centre. */
    RATIO("log ratio", Scale.DIVERGING),
    CLIPPED("clipped", Scale.BINARY),
    THR("Token Hidden Reward", Scale.DIVERGING);

    /** How a signal's values map to colour. */
    public enum Scale {
        /** Signed values: centred at 0, symmetric in the largest |value|. */
        DIVERGING,
        /** Values of one sign: from the range's low end to its high end (0 always included). */
        SEQUENTIAL,
        /** 0 or 1. */
        BINARY
    }

    private final String label;
    private final Scale scale;

    Signal(String label, Scale scale) {
        this.label = label;
        this.scale = scale;
    }

    public String label() {
        return label;
    }

    public Scale scale() {
        return scale;
    }

    /**
     * The values this signal colours, one per token; null when the trace does not carry them, as a thinned trace
     * ({@link TokenTrace#hasValues()} false) carries none.
     */
    public float[] values(TokenTrace t) {
        if (!t.hasValues()) {
            return null;
        }
        return switch (this) {
            case ADVANTAGE -> t.advantages();
            case LOGPROB -> t.logProbs();
            case LOGPROB_CURRENT -> t.currentLogProbs();
            case ENTROPY -> t.entropies();
            case RATIO -> {
                if (t.currentLogProbs() == null) {
                    yield null;
                }
                float[] r = new float[t.length()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = t.currentLogProbs()[i] - t.logProbs()[i];
                }
                yield r;
            }
            case CLIPPED -> {
                if (t.clipped() == null) {
                    yield null;
                }
                float[] c = new float[t.length()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = t.clipped()[i] != 0 ? 1f : 0f;
                }
                yield c;
            }
            case THR -> t.thr();
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
