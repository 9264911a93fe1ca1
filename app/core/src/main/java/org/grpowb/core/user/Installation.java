package org.grpowb.core.user;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installation this process runs from, as the launcher says ({@code -Dgrpowb.home}); {@code -Dgrpowb.installed}
 * marks an installed app (a jpackage image or package) as opposed to a source checkout. An installed app's files are
 * read-only and replaced by the next upgrade, so a project inside it — a bundled sample — is never trained in place:
 * it is opened as the user's own copy in {@link UserFolders#projects()}, made on first use and reused after, runs and
 * all.
 *
 * @param home      the installation folder (the one holding {@code sample-projects/})
 * @param installed whether this is an installed app rather than a source checkout
 */
public record Installation(Path home, boolean installed) {

    /** This process's installation, if the launcher named one. */
    public static Optional<Installation> current() {
        String home = System.getProperty("grpowb.home");
        return home == null || home.isBlank() ? Optional.empty()
                : Optional.of(new Installation(Path.of(home).toAbsolutePath().normalize(),
                        Boolean.getBoolean("grpowb.installed")));
    }

    /** The bundled samples' folder. */
    public Path samples() {
        return home.resolve("sample-projects");
    }

    /** Whether {@code project} lies inside this installation. */
    public boolean contains(Path project) {
        return project.toAbsolutePath().normalize().startsWith(home);
    }

    /** Whether {@code project} must be copied before it is opened: it is inside an installed app. */
    public boolean needsCopy(Path project) {
        return installed && contains(project);
    }

    /**
     * The folder to open for {@code project}: the project itself, or for a project inside an installed app the
     * user's copy of it in {@code folders.projects()} under the same folder name, made now if it does not exist.
     */
    public Path openable(Path project, UserFolders folders) throws IOException {
        if (!needsCopy(project)) {
            return project;
        }
        Path source = project.toAbsolutePath().normalize();
        String name = source.getFileName().toString();
        Path copy = folders.projects().resolve(name);
        if (Files.isRegularFile(copy.resolve("project.yaml"))) {
            return copy;
        }
        return ProjectCopy.copyAsIs(source, folders.projects(), name);
    }

    /** {@link #openable} of this process's installation, or {@code project} itself when there is none. */
    public static Path openableNow(Path project) throws IOException {
        Optional<Installation> here = current();
        return here.isPresent() ? here.get().openable(project, UserFolders.current()) : project;
    }
}
