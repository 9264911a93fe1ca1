package org.grpowb.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each platform's per-user folders, and the overrides and legacy folder that win over them. */
class UserFoldersTest {

    @TempDir
    Path home;

    @Test
    void linuxFollowsTheXdgBaseDirectories() {
        UserFolders f = UserFolders.of("Linux", Map.of(), home);
        assertEquals(home.resolve(".config/grpowb/trusted-plugins"), f.trustFile());
        assertEquals(home.resolve(".local/share/grpowb"), f.data());
        assertEquals(home.resolve(".cache/grpowb/plugin-cache"), f.pluginCache());
        assertEquals(home.resolve(".cache/grpowb/djl"), f.djlCache());
        assertEquals(home.resolve("GrpoWorkbenchProjects"), f.projects());

        UserFolders set = UserFolders.of("Linux", Map.of("XDG_CONFIG_HOME", "/xdg/conf", "XDG_CACHE_HOME", "/xdg/cache",
                "XDG_DATA_HOME", "relative/is/ignored"), home);
        assertEquals(Path.of("/xdg/conf/grpowb/trusted-plugins"), set.trustFile());
        assertEquals(Path.of("/xdg/cache/grpowb/plugin-cache"), set.pluginCache());
        assertEquals(home.resolve(".local/share/grpowb"), set.data());
    }

    @Test
    void macOsAndWindowsUseTheirOwnFolders() {
        UserFolders mac = UserFolders.of("Mac OS X", Map.of(), home);
        assertEquals(home.resolve("Library/Application Support/GRPO Workbench/trusted-plugins"), mac.trustFile());
        assertEquals(home.resolve("Library/Caches/GRPO Workbench/djl"), mac.djlCache());

        UserFolders win = UserFolders.of("Windows 11", Map.of("APPDATA", "/users/ada/roaming",
                "LOCALAPPDATA", "/users/ada/local"), home);
        assertEquals(Path.of("/users/ada/roaming/GRPO Workbench/trusted-plugins"), win.trustFile());
        assertEquals(Path.of("/users/ada/local/GRPO Workbench/Cache/plugin-cache"), win.pluginCache());
        UserFolders bare = UserFolders.of("Windows 10", Map.of(), home);
        assertEquals(home.resolve("AppData/Roaming/GRPO Workbench/trusted-plugins"), bare.trustFile());
    }

    @Test
    void anExplicitUserDirAndProjectsDirWin() throws IOException {
        Files.createDirectories(home.resolve(".grpowb"));
        UserFolders f = UserFolders.of("Linux", Map.of(UserFolders.USER_DIR, "/portable/grpowb",
                UserFolders.PROJECTS_DIR, "/work/projects"), home);
        assertEquals(Path.of("/portable/grpowb/trusted-plugins"), f.trustFile());
        assertEquals(Path.of("/portable/grpowb/cache/plugin-cache"), f.pluginCache());
        assertEquals(Path.of("/work/projects"), f.projects());
    }

    @Test
    void aFolderFromBeforeTheseConventionsKeepsItsTrustedPlugins() throws IOException {
        Files.createDirectories(home.resolve(".grpowb"));
        for (String os : new String[] {"Linux", "Mac OS X", "Windows 11"}) {
            UserFolders f = UserFolders.of(os, Map.of("APPDATA", "/roaming"), home);
            assertEquals(home.resolve(".grpowb/trusted-plugins"), f.trustFile(), os);
            assertEquals(home.resolve(".grpowb/plugin-cache"), f.pluginCache(), os);
        }
    }
}
