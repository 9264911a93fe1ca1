package org.grpowb.installer;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Main class of the installed application ({@code bin/grpowb}, the menu entry, the {@code project.yaml} file
 * association). It decides which of the two programs a start is for and calls its {@code main} in this JVM:
 * <ul>
 *   <li>no arguments: the window (on the bundled sample project);</li>
 *   <li>one argument that is a {@code project.yaml} or a folder holding one, which is what the desktop's file
 *       association passes: the window on that project's folder;</li>
 *   <li>{@code window [PROJECT] [--dark]}: the window;</li>
 *   <li>anything else ({@code --version}, {@code --help}, {@code train ...}, {@code plugins ...}): the command line.</li>
 * </ul>
 * A window asked for where there is no display (a server, an SSH session, CI) would die in GTK's initialisation with
 * a native stack trace; the launcher prints one line saying so and shows the command line's usage instead.
 *
 * <p>It is a plain class, not a JavaFX {@code Application}: JavaFX sits on the class path in the installed image, and
 * its launcher refuses an {@code Application} subclass as the main class there.
 */
public final class Launcher {

    /** The file that makes a folder a project (what the file association registers). */
    static final String PROJECT_FILE = "project.yaml";

    /** The command line's first word that asks for the window. */
    static final String WINDOW_COMMAND = "window";

    private Launcher() {
    }

    public static void main(String[] args) {
        Route route = route(List.of(args), displayAvailable(System.getProperty("os.name", ""), System.getenv()));
        if (!route.notice().isEmpty()) {
            System.err.println(route.notice());
        }
        String[] forwarded = route.args().toArray(String[]::new);
        if (route.face() == Route.Face.WINDOW) {
            org.grpowb.desktop.Main.main(forwarded);
        } else {
            org.grpowb.cli.Grpowb.main(forwarded);
        }
    }

    /**
     * Where a start with these arguments goes. Reads the file system only to tell whether a lone argument is a
     * project; starts nothing.
     *
     * @param args    the launcher's arguments
     * @param display whether a window can be shown ({@link #displayAvailable})
     */
    static Route route(List<String> args, boolean display) {
        if (args.isEmpty()) {
            return display ? Route.window(List.of())
                    : usage("grpowb: no display (DISPLAY and WAYLAND_DISPLAY are unset), so no window; "
                    + "the command line's usage follows (grpowb train PROJECT trains in the terminal)");
        }
        if (args.size() == 1) {
            Optional<Path> project = projectFolder(args.get(0));
            if (project.isPresent()) {
                return display ? Route.window(List.of(project.get().toString()))
                        : usage("grpowb: no display to open " + project.get() + " in; train it in the terminal with "
                        + "grpowb train " + project.get());
            }
        }
        if (args.get(0).equals(WINDOW_COMMAND)) {
            return display ? Route.window(windowArgs(args.subList(1, args.size())))
                    : usage("grpowb: `grpowb window` needs a display (DISPLAY and WAYLAND_DISPLAY are unset); "
                    + "the command line's usage follows");
        }
        return Route.cli(args);
    }

    /**
     * Whether a window can be shown. Windows and macOS always have a desktop session when a user starts the
     * application; elsewhere (Linux and the other X11 systems) GTK needs an X or Wayland display named in the
     * environment.
     */
    static boolean displayAvailable(String osName, Map<String, String> env) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") || os.startsWith("mac")) {
            return true;
        }
        return !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
    }

    /**
     * The project folder an argument names: the folder of a {@code project.yaml} file, or a folder that holds one.
     * Any other path (another YAML file, a folder without a project) is not a project, and the argument goes to the
     * command line, which says what is wrong with it.
     */
    static Optional<Path> projectFolder(String arg) {
        Path p;
        try {
            p = Path.of(arg).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (Files.isRegularFile(p) && p.getFileName().toString().equals(PROJECT_FILE)) {
            return Optional.of(p.getParent());
        }
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve(PROJECT_FILE))) {
            return Optional.of(p);
        }
        return Optional.empty();
    }

    /** {@code window}'s arguments for the desktop: a {@code project.yaml} given as PROJECT becomes its folder. */
    private static List<String> windowArgs(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            out.add(a.startsWith("--") ? a : projectFolder(a).map(Path::toString).orElse(a));
        }
        return out;
    }

    private static Route usage(String notice) {
        return new Route(Route.Face.CLI, List.of("--help"), notice);
    }
}
