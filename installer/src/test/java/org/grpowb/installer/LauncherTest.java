package org.grpowb.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each kind of start goes: decided by {@link Launcher#route}, never by opening a window. */
class LauncherTest {

    @TempDir
    Path tmp;

    private Path project() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("my project"));
        Files.writeString(dir.resolve("project.yaml"), "name: x\n");
        return dir;
    }

    @Test
    void noArgumentsOpensTheWindowWhenThereIsADisplay() {
        assertEquals(new Route(Route.Face.WINDOW, List.of(), ""), Launcher.route(List.of(), true));
    }

    @Test
    void noArgumentsWithoutADisplayPrintsAHintAndTheUsage() {
        Route r = Launcher.route(List.of(), false);
        assertEquals(Route.Face.CLI, r.face());
        assertEquals(List.of("--help"), r.args());
        assertTrue(r.notice().contains("no display"), r.notice());
        assertFalse(r.notice().contains("\n"), "one line");
    }

    @Test
    void aProjectFolderOpensInTheWindow() throws IOException {
        Path dir = project();
        assertEquals(Route.window(List.of(dir.toString())), Launcher.route(List.of(dir.toString()), true));
    }

    @Test
    void aProjectYamlOpensItsFolderInTheWindow() throws IOException {
        Path dir = project();
        // what the desktop's file association passes on a double click
        assertEquals(Route.window(List.of(dir.toString())),
                Launcher.route(List.of(dir.resolve("project.yaml").toString()), true));
    }

    @Test
    void aRelativeProjectPathIsMadeAbsolute() throws IOException {
        Path dir = project();
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        assertEquals(Route.window(List.of(dir.toString())), Launcher.route(List.of(relative.toString()), true));
    }

    @Test
    void anotherYamlFileOrAFolderWithoutAProjectGoesToTheCommandLine() throws IOException {
        Path other = Files.writeString(tmp.resolve("config.yaml"), "a: 1\n");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(Route.cli(List.of(other.toString())), Launcher.route(List.of(other.toString()), true));
        assertEquals(Route.cli(List.of(empty.toString())), Launcher.route(List.of(empty.toString()), true));
    }

    @Test
    void aProjectWithoutADisplaySaysHowToTrainIt() throws IOException {
        Path dir = project();
        Route r = Launcher.route(List.of(dir.toString()), false);
        assertEquals(Route.Face.CLI, r.face());
        assertEquals(List.of("--help"), r.args());
        assertTrue(r.notice().contains("grpowb train " + dir), r.notice());
    }

    @Test
    void windowCommandPassesItsArgumentsToTheDesktop() throws IOException {
        Path dir = project();
        assertEquals(Route.window(List.of("/some/where", "--dark")),
                Launcher.route(List.of("window", "/some/where", "--dark"), true));
        assertEquals(Route.window(List.of(dir.toString(), "--dark")),
                Launcher.route(List.of("window", dir.resolve("project.yaml").toString(), "--dark"), true));
        assertEquals(Route.window(List.of()), Launcher.route(List.of("window"), true));
    }

    @Test
    void windowCommandWithoutADisplayShowsTheUsage() {
        Route r = Launcher.route(List.of("window", "--dark"), false);
        assertEquals(Route.Face.CLI, r.face());
        assertEquals(List.of("--help"), r.args());
        assertFalse(r.notice().isEmpty());
    }

    @Test
    void everythingElseGoesToTheCommandLineUnchanged() throws IOException {
        Path dir = project();
        for (boolean display : new boolean[]{true, false}) {
            assertEquals(Route.cli(List.of("--version")), Launcher.route(List.of("--version"), display));
            assertEquals(Route.cli(List.of("--help")), Launcher.route(List.of("--help"), display));
            // a project with more arguments is a command line, not a double click
            List<String> train = List.of("train", dir.toString(), "--steps", "2");
            assertEquals(Route.cli(train), Launcher.route(train, display));
            List<String> plugins = List.of("plugins", "list", dir.toString());
            assertEquals(Route.cli(plugins), Launcher.route(plugins, display));
        }
    }

    @Test
    void aDisplayIsNeededOnLinuxOnly() {
        assertFalse(Launcher.displayAvailable("Linux", Map.of()));
        assertFalse(Launcher.displayAvailable("Linux", Map.of("DISPLAY", "")));
        assertTrue(Launcher.displayAvailable("Linux", Map.of("DISPLAY", ":0")));
        assertTrue(Launcher.displayAvailable("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0")));
        assertFalse(Launcher.displayAvailable("FreeBSD", Map.of()));
        assertTrue(Launcher.displayAvailable("Windows 11", Map.of()));
        assertTrue(Launcher.displayAvailable("Mac OS X", Map.of()));
    }
}
