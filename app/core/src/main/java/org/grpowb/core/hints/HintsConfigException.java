package org.grpowb.core.hints;

/**
 * A problem with the {@code hints:} section of {@code project.yaml}, located by JSON pointer (e.g.
 * {@code /hints/settings/warmup_steps}) so that the project loader can turn it into the offending line.
 */
public class HintsConfigException extends IllegalArgumentException {

    private final String pointer;
    private final String problem;

    public HintsConfigException(String where, String pointer, String problem) {
        super(where + ": " + pointer + ": " + problem);
        this.pointer = pointer;
        this.problem = problem;
    }

    /** JSON pointer of the offending value, from the document's root. */
    public String pointer() {
        return pointer;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
