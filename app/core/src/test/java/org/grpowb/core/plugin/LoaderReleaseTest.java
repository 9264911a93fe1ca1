package org.grpowb.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a project's plugins releases them: a jar's class loader is closed (its copy can be deleted) and, once the
 * instances handed out are dropped, every plugin loader can be collected; nothing of the registry keeps one alive.
 */
class LoaderReleaseTest {

    @TempDir
    Path dir;

    private final Example example = new Example("e", "2+2=", "4", Map.of());

    /**
     * Loads, calls and closes {@code registry}, keeping only weak references to the loaders (no local of a caller's
     * frame holds an instance).
     */
    private List<WeakReference<ClassLoader>> loadCallAndClose(PluginRegistry registry) {
        RewardFunction jar = registry.reward("short_answer");
        RewardFunction source = registry.reward("ends_with");
        assertEquals(1.0, jar.score("4", example).scores().get("short_answer"));
        assertEquals(1.0, source.score("4", example).scores().get("ends_with"));
        ClassLoader jarLoader = PluginRegistry.loaderOf(jar);
        String services = "META-INF/services/" + RewardFunction.class.getName();
        assertNotNull(jarLoader.getResource(services));
        List<WeakReference<ClassLoader>> loaders = List.of(new WeakReference<>(jarLoader),
                new WeakReference<>(PluginRegistry.loaderOf(source)));
        registry.close();
        assertNull(jarLoader.getResource(services), "the jar's loader is closed");
        assertThrows(IllegalStateException.class, () -> registry.reward("short_answer"), "closed means closed");
        assertThrows(IllegalStateException.class, registry::rewardNames);
        registry.close(); // idempotent
        return loaders;
    }

    @Test
    void closingReleasesEveryLoaderAndTheJarsCopy() throws Exception {
        Path project = dir.resolve("p");
        Path jar = PluginJarFixture.shortAnswerReward(project.resolve("plugins/short.jar"), "short_answer", 3, "");
        Path source = PluginProjects.write(project, "EndsWith.java", PluginProjects.rewardSource("EndsWith",
                "ends_with"));
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(PluginFile.of(jar));
        trust.trust(PluginFile.of(source));

        // the closed registry itself stays reachable (a window may hold on to it): it must not hold the loaders
        PluginRegistry registry = PluginProjects.registry(project, trust, dir.resolve("cache"));
        List<WeakReference<ClassLoader>> loaders = loadCallAndClose(registry);
        List<byte[]> pressure = new ArrayList<>();
        for (int i = 0; i < 100 && loaders.stream().anyMatch(l -> l.get() != null); i++) {
            System.gc();
            pressure.add(new byte[1 << 16]); // small allocations nudge a collector that treats gc() as a hint
            Thread.sleep(10);
        }
        assertNull(loaders.get(0).get(), "the jar's loader was collected");
        assertNull(loaders.get(1).get(), "the source file's loader was collected");

        assertEquals(2, registry.statuses().size(), "what is left is its report");
        Path copy = dir.resolve("cache").resolve(PluginFile.of(jar).sha256()).resolve("short.jar");
        Files.delete(copy); // a loader still open would hold it (and lock it, on Windows)
        Files.delete(jar);
    }
}
