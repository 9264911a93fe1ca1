package org.grpowb.desktop.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.grpowb.api.PluginApi;
import org.grpowb.core.plugin.PluginKind;
import org.grpowb.core.plugin.PluginProblem;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginStatus;

/**
 * One plugin file as the plugin view's table shows it.
 *
 * @param status   what the registry made of the file
 * @param version  the plugin API a jar names in its manifest ("API 1"), {@code source} for a {@code .java} file,
 *                 {@code python} for a {@code .py} file
 * @param rewards  the reward functions it provides (empty unless loaded)
 */
record PluginRow(PluginStatus status, String version, List<String> rewards) {

    /** The row of a status; reads a jar's manifest (not its classes): off the JavaFX thread. */
    static PluginRow of(Path projectDir, PluginStatus s) {
        String version = switch (s.kind()) {
            case JAR -> jarApi(projectDir.resolve(PluginRegistry.PROJECT_PLUGINS).resolve(s.fileName()));
            case JAVA_SOURCE -> "source";
            case PYTHON -> "python";
        };
        return new PluginRow(s, version, s.provides().getOrDefault("RewardFunction", List.of()));
    }

    String fileName() {
        return status.fileName();
    }

    String kind() {
        return PluginManagement.kindWord(status.kind());
    }

    /** The first 12 hex digits of the SHA-256: enough to tell versions apart at a glance. */
    String shortHash() {
        return status.sha256().length() < 12 ? status.sha256() : status.sha256().substring(0, 12);
    }

    String trust() {
        return status.trusted() ? "trusted" : "not trusted";
    }

    String state() {
        return status.state().name().toLowerCase(Locale.ROOT);
    }

    /** What it provides when loaded, its located problems when it failed, else why it is not loaded. */
    String detail() {
        if (status.state() == PluginStatus.State.FAILED && !status.problems().isEmpty()) {
            return String.join("; ", status.problems().stream().map(PluginRow::located).toList());
        }
        if (status.state() == PluginStatus.State.LOADED) {
            return String.join("; ", status.provides().entrySet().stream()
                    .map(e -> e.getKey() + ": " + String.join(", ", e.getValue())).toList())
                    + (status.detail().isBlank() ? "" : " · " + status.detail());
        }
        return status.detail();
    }

    boolean jar() {
        return status.kind() == PluginKind.JAR;
    }

    private static String located(PluginProblem p) {
        return (p.line() > 0 ? "line " + p.line() + ": " : "") + p.message();
    }

    /** "API n" as the jar's manifest names it, "API ?" when it names none. */
    private static String jarApi(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String v = m == null ? null : m.getMainAttributes().getValue(PluginApi.MANIFEST_ATTRIBUTE);
            return v == null ? "API ?" : "API " + v.strip();
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
