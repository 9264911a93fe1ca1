package org.grpowb.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.user.Installation;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The project argument and the settings every command can override. */
final class ProjectOptions {

    @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder or its project.yaml")
    Path project;

    @Option(names = "--steps", description = "training steps")
    Integer steps;

    @Option(names = "--seed", description = "seed")
    Long seed;

    @Option(names = "--variant", description = "GRPO variant by name")
    String variant;

    @Option(names = "--group-size", description = "G, rollouts per prompt")
    Integer groupSize;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any setting by path, e.g. training.learning_rate=1e-4 or variant.settings.beta=0")
    Map<String, String> settings = new LinkedHashMap<>();

    private Path writable;

    Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>(settings);
        if (steps != null) {
            o.put("training.steps", steps);
        }
        if (seed != null) {
            o.put("training.seed", seed);
        }
        if (groupSize != null) {
            o.put("training.group_size", groupSize);
        }
        if (variant != null) {
            o.put("variant.name", variant);
        }
        return o;
    }

    Project load(Map<String, Object> extra) {
        Map<String, Object> o = new LinkedHashMap<>(extra);
        o.putAll(overrides());
        return new ProjectLoader(plugins()).load(project(), o);
    }

    /**
     * The project as given, or for a project inside the installed app (a bundled sample, read-only there) the user's
     * copy of it, made on first use: every command then reads and writes the same copy, runs and all.
     */
    Path project() {
        if (writable == null) {
            try {
                Path given = Files.isRegularFile(project) ? project.toAbsolutePath().getParent() : project;
                Path copy = Installation.openableNow(given);
                if (!copy.equals(given)) {
                    System.err.println("grpowb: " + given + " is part of the installation; using your copy " + copy);
                    writable = copy;
                } else {
                    writable = project;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + project + " to your projects folder", e);
            }
        }
        return writable;
    }

    /** The bundled plugins and the project's plugin jars that the user trusts ({@code grpowb trust}). */
    PluginRegistry plugins() {
        return PluginRegistry.forProject(projectDir(), PluginTrust.user());
    }

    Path projectDir() {
        Path abs = project().toAbsolutePath().normalize();
        return Files.isRegularFile(abs) ? abs.getParent() : abs;
    }

    static Path ensureParent(Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return file;
    }
}
