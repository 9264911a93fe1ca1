package org.grpowb.core.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.grpowb.core.plugin.python.PythonSettings;

/**
 * Project folders with plugin files of each kind, and registries over them that keep their copies in the test's own
 * cache and never look up a Python interpreter unless a test asks for one.
 */
final class PluginProjects {

    /** For registries with no trusted Python file: asking for the interpreter is a test failure. */
    static final Supplier<PythonSettings> NO_PYTHON = () -> {
        throw new AssertionError("the Python settings were looked up, but no trusted Python file needs them");
    };

    private PluginProjects() {
    }

    /** A single-file reward {@code cls} (in package {@code com.example.single}) named {@code reward}. */
    static String rewardSource(String cls, String reward) {
        return """
                package com.example.single;

                import org.grpowb.api.Example;
                import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public class %s implements RewardFunction {
                    public String name() { return "%s"; }
                    public String description() { return "1 when the completion ends with the answer"; }
                    public RewardResult score(String completion, Example example) {
                        double s = completion.strip().endsWith(example.answer()) ? 1.0 : 0.0;
                        return RewardResult.of(name(), s, Verdict.UNVERIFIED);
                    }
                }
                """.formatted(cls, reward);
    }

    /** Writes {@code text} to {@code <project>/plugins/<fileName>}. */
    static Path write(Path project, String fileName, String text) throws IOException {
        Path f = project.resolve(PluginRegistry.PROJECT_PLUGINS).resolve(fileName);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    /** Changes one byte of a file in place (its last), as a rebuild or an edit would. */
    static void changeOneByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
    }

    static PluginRegistry registry(Path project, PluginTrust trust, Path cache) {
        return PluginRegistry.forProject(project, trust, NO_PYTHON, new PluginCache(cache));
    }

    static PluginStatus status(PluginRegistry registry, String fileName) {
        return registry.statuses().stream().filter(s -> s.fileName().equals(fileName)).findFirst()
                .orElseThrow(() -> new AssertionError(fileName + " has no status: " + registry.statuses()));
    }
}
