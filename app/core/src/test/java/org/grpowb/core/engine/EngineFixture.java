package org.grpowb.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;

/** A tiny project with a warm start made once per JVM by the real supervised trainer, copied into each test's folder. */
final class EngineFixture {

    private static Path warm;

    private EngineFixture() {
    }

    static synchronized Path warmStart() throws IOException {
        if (warm == null) {
            Path d = Files.createTempDirectory("grpowb-warm");
            TestProjects.write(d, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT, TestProjects.training(2, "")));
            Project p = new ProjectLoader(PluginRegistry.discover()).load(d);
            new WarmStart(p).run(null, s -> { });
            warm = d.resolve("warm");
        }
        return warm;
    }

    /** Writes a project into {@code dir} with the shared warm start as its {@code model.init}. */
    static Project project(Path dir, String yaml, Map<String, Object> overrides) throws IOException {
        TestProjects.write(dir, yaml);
        copyTree(warmStart(), dir.resolve("warm"));
        return new ProjectLoader(PluginRegistry.discover()).load(dir, overrides);
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
