package org.grpowb.installer;

import java.util.List;
import java.util.Objects;

/**
 * Where one start of the launcher goes.
 *
 * @param face   the window or the command line
 * @param args   the arguments that face's {@code main} receives
 * @param notice a line for the terminal before it starts (why no window opened), or empty
 */
public record Route(Face face, List<String> args, String notice) {

    /** The two programs behind the one launcher. */
    public enum Face {
        /** {@code org.grpowb.desktop.Main}: the workbench window. */
        WINDOW,
        /** {@code org.grpowb.cli.Grpowb}: the command line. */
        CLI
    }

    public Route {
        Objects.requireNonNull(face, "face");
        args = List.copyOf(args);
        Objects.requireNonNull(notice, "notice");
    }

    static Route window(List<String> args) {
        return new Route(Face.WINDOW, args, "");
    }

    static Route cli(List<String> args) {
        return new Route(Face.CLI, args, "");
    }
}
