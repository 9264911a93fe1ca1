package org.grpowb.core.hints;

import org.grpowb.api.HintPolicy;

/** Plain GRPO: every group is sampled with the prompt as written (tier 0). The default when a project names none. */
public final class NoHints implements HintPolicy {

    public static final String NAME = "none";

    public NoHints() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "no hints: every group sees the prompt as written";
    }

    @Override
    public Choice choose(Request request) {
        return Choice.NONE;
    }
}
