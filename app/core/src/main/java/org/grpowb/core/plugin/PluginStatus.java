package org.grpowb.core.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One plugin file of a project as a plugin manager view or {@code grpowb trust} shows it: what it is, whether it is
 * trusted and loaded, what it provides, and why not when it is not.
 *
 * @param fileName the file's name in the project's {@code plugins/} folder
 * @param kind     jar, Java source or Python
 * @param sha256   the SHA-256 of its bytes when the registry read them ("" when it could not be read)
 * @param trusted  whether the user trusts these bytes
 * @param state    what became of it
 * @param provides the names it provides by plugin interface's simple name ({@code RewardFunction -> [short_answer]}),
 *                 in the API's order; empty unless {@link State#LOADED}
 * @param problems why it failed, located in the file where that is known; empty unless {@link State#FAILED}
 * @param detail   one line for the reader: how it runs when loaded, or why it is not
 */
public record PluginStatus(String fileName, PluginKind kind, String sha256, boolean trusted, State state,
                           Map<String, List<String>> provides, List<PluginProblem> problems, String detail) {

    /** What became of a plugin file when its project's plugins were loaded. */
    public enum State {
        /** Trusted, loaded, its names registered. */
        LOADED,
        /** Not trusted: only hashed, never opened. */
        UNTRUSTED,
        /** Listed in {@code plugins/disabled}: not opened, trusted or not. */
        DISABLED,
        /** Trusted, but it did not compile, load or start, or a name it provides was taken; nothing of it is used. */
        FAILED
    }

    public PluginStatus {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        provides.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        provides = Collections.unmodifiableMap(copy);
        problems = List.copyOf(problems);
    }
}
