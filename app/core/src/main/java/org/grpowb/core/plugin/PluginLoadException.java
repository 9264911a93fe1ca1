package org.grpowb.core.plugin;

import java.util.List;

/** A plugin file that cannot be loaded, with every located reason (a compiler's errors, say). */
final class PluginLoadException extends Exception {

    private final transient List<PluginProblem> problems;

    PluginLoadException(List<PluginProblem> problems) {
        super(problems.isEmpty() ? "not loaded" : problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    PluginLoadException(PluginProblem problem) {
        this(List.of(problem));
    }

    List<PluginProblem> problems() {
        return problems;
    }
}
