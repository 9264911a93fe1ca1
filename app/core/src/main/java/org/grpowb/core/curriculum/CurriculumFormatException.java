package org.grpowb.core.curriculum;

/**
 * A {@code curriculum:} section that cannot be read. The message names the file and the JSON pointer of the offending
 * node; {@link #pointer()} gives the pointer alone, so a loader that knows where each node sits can add a line number.
 */
public final class CurriculumFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String pointer;

    CurriculumFormatException(String where, String pointer, String problem) {
        super(where + ": " + pointer + ": " + problem);
        this.pointer = pointer;
    }

    /** The JSON pointer of the offending node, such as {@code /curriculum/stages/1/advance}. */
    public String pointer() {
        return pointer;
    }
}
