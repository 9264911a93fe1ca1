package org.grpowb.api;

import java.util.Map;
import java.util.Objects;

/**
 * One task instance: the prompt shown to the policy and the reference answer a verifier checks against.
 *
 * @param id     stable identifier within the dataset (used to track a prompt's visits across steps)
 * @param prompt text given to the policy; the completion continues it
 * @param answer reference answer, in the task's own notation
 * @param fields any further columns of the data line (difficulty, source, hints), kept verbatim
 */
public record Example(String id, String prompt, String answer, Map<String, String> fields) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        fields = Map.copyOf(fields == null ? Map.of() : fields);
    }
}
