package org.grpowb.core.plugin;

import static org.grpowb.core.plugin.PluginProjects.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.grpowb.core.plugin.PluginStatus.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar names the plugin API it was built against in its manifest; one built against another API, or that names
 * none, is refused before any of its classes loads, with the versions in the reason.
 */
class PluginApiVersionTest {

    @TempDir
    Path dir;

    @Test
    void onlyAJarBuiltAgainstThisApiLoadsTheOthersAreRefusedWithTheVersions() throws Exception {
        Path project = dir.resolve("p");
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/current.jar"), "current", 3, "", "1");
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/newer.jar"), "newer", 3, "", "2");
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/unversioned.jar"), "unversioned", 3, "", null);
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/garbled.jar"), "garbled", 3, "", "one");
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        PluginRegistry.files(project).forEach(trust::trust);

        try (PluginRegistry r = PluginProjects.registry(project, trust, dir.resolve("cache"))) {
            assertEquals(State.LOADED, status(r, "current.jar").state());
            assertEquals("built against plugin API 1", status(r, "current.jar").detail());
            assertEquals(List.of("current", "exact_answer"), r.rewardNames().stream()
                    .filter(n -> List.of("current", "newer", "unversioned", "garbled", "exact_answer").contains(n))
                    .toList());

            PluginStatus newer = status(r, "newer.jar");
            assertEquals(State.FAILED, newer.state());
            assertEquals(List.of(new PluginProblem(project.resolve("plugins/newer.jar").toAbsolutePath(), 0, 0,
                    "built against plugin API 2; this workbench has 1")), newer.problems());

            assertEquals("its manifest has no GrpoWB-Plugin-Api attribute: build it against grpowb-plugin-api 1 and "
                    + "add 'GrpoWB-Plugin-Api: 1' to its manifest", status(r, "unversioned.jar").problems().get(0)
                    .message());
            assertEquals("its manifest's GrpoWB-Plugin-Api is 'one', not a version number; this workbench has "
                    + "plugin API 1", status(r, "garbled.jar").problems().get(0).message());
            assertTrue(r.problems().contains("plugins/newer.jar was not loaded: built against plugin API 2; this "
                    + "workbench has 1"), r.problems().toString());
            assertFalse(r.rewardNames().contains("newer"));
        }
    }
}
