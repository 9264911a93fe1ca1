package org.grpowb.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An installed app's bundled samples open as the user's own copies; a source checkout's open in place. */
class InstallationTest {

    @TempDir
    Path dir;

    private Path sample;
    private UserFolders folders;

    @BeforeEach
    void anInstallationWithASample() throws IOException {
        sample = dir.resolve("opt/grpowb/lib/app/sample-projects/arithmetic");
        Files.createDirectories(sample.resolve("data"));
        Files.createDirectories(sample.resolve("runs"));
        Files.writeString(sample.resolve("project.yaml"), "# a sample\nname: arithmetic-sample\nmodel: {name: tiny-gpt}\n");
        Files.writeString(sample.resolve("data/train.jsonl"), "{\"prompt\":\"1+1=\",\"answer\":\"2\"}\n");
        Files.writeString(sample.resolve("runs/runs.db"), "the packager's own runs, not the user's");
        folders = UserFolders.of("Linux", Map.of(UserFolders.USER_DIR, dir.resolve("user").toString(),
                UserFolders.PROJECTS_DIR, dir.resolve("home/projects").toString()), dir.resolve("home"));
    }

    @Test
    void anInstalledSampleOpensAsTheUsersCopyMadeOnceAndReused() throws IOException {
        Installation installed = new Installation(dir.resolve("opt/grpowb/lib/app"), true);
        assertTrue(installed.needsCopy(sample));
        Path copy = installed.openable(sample, folders);
        assertEquals(dir.resolve("home/projects/arithmetic"), copy);
        assertEquals(Files.readString(sample.resolve("project.yaml")), Files.readString(copy.resolve("project.yaml")),
                "the copy is the same project: its name, and so its runs, match");
        assertEquals("{\"prompt\":\"1+1=\",\"answer\":\"2\"}\n", Files.readString(copy.resolve("data/train.jsonl")));
        assertFalse(Files.exists(copy.resolve("runs")), "the copy starts without the installation's runs");

        Files.createDirectories(copy.resolve("runs"));
        Files.writeString(copy.resolve("runs/runs.db"), "the user's runs");
        Files.writeString(copy.resolve("project.yaml"), "name: arithmetic-sample\n# edited by the user\n");
        assertEquals(copy, installed.openable(sample, folders));
        assertEquals("the user's runs", Files.readString(copy.resolve("runs/runs.db")), "reopening keeps the user's runs");
        assertTrue(Files.readString(copy.resolve("project.yaml")).contains("edited by the user"));
    }

    @Test
    void aCheckoutOrAProjectOutsideTheInstallationOpensInPlace() throws IOException {
        Installation checkout = new Installation(dir.resolve("opt/grpowb/lib/app"), false);
        assertSame(sample, checkout.openable(sample, folders));
        Installation installed = new Installation(dir.resolve("opt/grpowb/lib/app"), true);
        Path mine = dir.resolve("home/elsewhere/mine");
        assertFalse(installed.needsCopy(mine));
        assertSame(mine, installed.openable(mine, folders));
        assertFalse(Files.exists(folders.projects()), "nothing was copied");
    }

    @Test
    void aNewProjectFromATemplateTakesItsNameAndLeavesNoStagingBehind() throws IOException {
        Path made = ProjectCopy.create(sample, dir.resolve("new"), "mine");
        assertTrue(Files.readString(made.resolve("project.yaml")).contains("name: mine\n"));
        assertFalse(Files.readString(made.resolve("project.yaml")).contains("arithmetic-sample"));
        assertFalse(Files.exists(made.resolve("runs")));
        assertThrows(IllegalArgumentException.class, () -> ProjectCopy.create(sample, dir.resolve("new"), "mine"));
        assertThrows(IllegalArgumentException.class, () -> ProjectCopy.create(sample, dir.resolve("new"), "../up"));
        try (var left = Files.list(dir.resolve("new"))) {
            assertEquals(1, left.count(), "only the project, no .mine.creating");
        }
    }
}
