package org.grpowb.desktop.plugins;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javafx.scene.Node;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.desktop.projects.TrustPluginsDialog;

/**
 * The window's handling of a project's plugin jars: asking the user to trust the ones not trusted yet (and not asking
 * again about those declined in this session), recording the trust given, and each jar's status for the explorer.
 * Trust is by the jar's SHA-256 ({@link PluginTrust}), so a jar whose bytes change is asked about again.
 * <p>
 * Methods that read jars or the trust file say so and run off the JavaFX thread; the dialogs run on it.
 */
public final class PluginManagement {

    /**
     * What plugin management takes from the window it runs in.
     *
     * @param owner         a node of the window, whose window owns the trust dialog
     * @param log           a line for the console
     * @param refuse        a problem for the problems list: why nothing was done
     * @param runInProgress true while a run is in progress: its plugins stay as they are until it ends
     * @param reopen        opens the project again, which asks about its untrusted jars
     */
    public record Host(Node owner, Consumer<String> log, Consumer<String> refuse, BooleanSupplier runInProgress,
                       Runnable reopen) { }

    private final PluginTrust trust;
    private final Host host;
    /** SHA-256 of plugin jars the user declined to trust in this session. */
    private final Set<String> declined = new HashSet<>();

    /** @param trust the plugin jars this user trusts (tests pass a scratch file) */
    public PluginManagement(PluginTrust trust, Host host) {
        this.trust = trust;
        this.host = host;
    }

    /** The jars in the project's {@code plugins/} folder that this user does not trust. Reads them: off the JavaFX thread. */
    public List<PluginFile> untrusted(Path projectDir) {
        return PluginRegistry.files(projectDir).stream().filter(j -> !trust.trusts(j)).toList();
    }

    /**
     * Asks whether to trust jars the user has not declined in this session; returns those to trust. A jar the user
     * declines is not asked about again until the window restarts (a save re-opens the project) or File → Trust
     * Project Plugins. On the JavaFX thread.
     */
    public List<PluginFile> askTrust(Path projectDir, List<PluginFile> untrusted) {
        List<PluginFile> ask = untrusted.stream().filter(j -> !declined.contains(j.sha256())).toList();
        if (ask.isEmpty()) {
            return List.of();
        }
        TrustPluginsDialog dialog = new TrustPluginsDialog(String.valueOf(projectDir.getFileName()), ask);
        if (host.owner().getScene() != null) {
            dialog.initOwner(host.owner().getScene().getWindow());
        }
        if (dialog.showAndWait().orElse(TrustPluginsDialog.SKIP) == TrustPluginsDialog.TRUST) {
            return ask;
        }
        ask.forEach(j -> declined.add(j.sha256()));
        host.log().accept("opened without the untrusted plugins: "
                + String.join(", ", ask.stream().map(PluginFile::name).toList()));
        return List.of();
    }

    /** File → Trust Project Plugins: asks again about the jars declined in this session, then re-opens. */
    public void askAgain() {
        if (host.runInProgress().getAsBoolean()) {
            host.refuse().accept("stop the run before loading other plugins");
            return;
        }
        declined.clear();
        host.reopen().run();
    }

    /**
     * Records the user's trust in {@code toTrust}, then loads the bundled plugins and the project's trusted jars.
     * Writes the trust file and reads jars: off the JavaFX thread.
     */
    public PluginRegistry trustAndLoad(Path projectDir, List<PluginFile> toTrust) {
        toTrust.forEach(trust::trust);
        return registry(projectDir);
    }

    /** The bundled plugins and the project's jars this user trusts. Reads jars: off the JavaFX thread. */
    public PluginRegistry registry(Path projectDir) {
        return PluginRegistry.forProject(projectDir, trust);
    }

    /**
     * Each jar of the project's {@code plugins/} folder as the explorer lists it: its name and whether it is
     * {@code not trusted}, {@code failed to load} (its problem is in {@code plugins.problems()}) or {@code loaded}.
     * Reads the folder: off the JavaFX thread.
     */
    public static List<String> jarLines(Path projectDir, PluginRegistry plugins) {
        return PluginRegistry.files(projectDir).stream().map(j -> j.name()
                + (plugins.untrusted().contains(j) ? " · not trusted"
                : plugins.problems().stream().anyMatch(m -> m.contains("/" + j.name() + " "))
                ? " · failed to load" : " · loaded")).toList();
    }
}
