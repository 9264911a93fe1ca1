package org.grpowb.core.plugin;

import static org.grpowb.core.plugin.PluginProjects.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.core.plugin.PluginStatus.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of plugin file is refused until the user trusts its exact bytes, loads once trusted, and is refused
 * again when one byte of it changes; an untrusted file is only hashed, never compiled, opened or run.
 */
class TrustByKindTest {

    @TempDir
    Path dir;

    private Path writePlugin(Path project, PluginKind kind) throws Exception {
        return switch (kind) {
            case JAR -> PluginJarFixture.shortAnswerReward(project.resolve("plugins/short.jar"), "short_answer", 3, "");
            case JAVA_SOURCE -> PluginProjects.write(project, "ShortAnswer.java",
                    PluginProjects.rewardSource("ShortAnswer", "short_answer"));
            case PYTHON -> PluginProjects.write(project, "short.py", """
                    def short_answer(completions, **kwargs):
                        return [1.0 if len(c.strip()) <= 3 else 0.0 for c in completions]
                    """);
        };
    }

    @ParameterizedTest
    @EnumSource(value = PluginKind.class, names = {"JAR", "JAVA_SOURCE"})
    void refusedUntilTrustedLoadedOnceTrustedAndRefusedAgainAfterOneByteChanges(PluginKind kind) throws Exception {
        Path project = dir.resolve("p");
        Path file = writePlugin(project, kind);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        Path cache = dir.resolve("cache");
        String name = file.getFileName().toString();

        try (PluginRegistry r = PluginProjects.registry(project, trust, cache)) {
            assertEquals(List.of(PluginFile.of(file)), r.untrusted());
            assertEquals(State.UNTRUSTED, status(r, name).state());
            assertFalse(status(r, name).trusted());
            assertFalse(r.rewardNames().contains("short_answer"));
            assertFalse(cache.toFile().exists(), "an untrusted file is not even copied");
        }

        trust.trust(PluginFile.of(file));
        try (PluginRegistry r = PluginProjects.registry(project, trust, cache)) {
            assertEquals(State.LOADED, status(r, name).state(), status(r, name).toString());
            assertEquals(kind, status(r, name).kind());
            assertTrue(r.untrusted().isEmpty());
            assertEquals(1.0, r.reward("short_answer").score("4", new Example("e", "2+2=", "4", Map.of()))
                    .scores().get("short_answer"));
        }

        PluginProjects.changeOneByte(file);
        try (PluginRegistry r = PluginProjects.registry(project, trust, cache)) {
            assertEquals(State.UNTRUSTED, status(r, name).state());
            assertEquals(PluginFile.of(file).sha256(), status(r, name).sha256(), "the new bytes' hash");
            assertFalse(r.rewardNames().contains("short_answer"));
        }
    }

    /** The Python half needs no interpreter: an untrusted file never starts a worker, nor looks one up. */
    @Test
    void aPythonFileIsRefusedUntilTrustedAndAgainAfterOneByteChangesWithoutStartingAWorker() throws Exception {
        Path project = dir.resolve("p");
        Path file = writePlugin(project, PluginKind.PYTHON);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        try (PluginRegistry r = PluginProjects.registry(project, trust, dir.resolve("cache"))) {
            PluginStatus s = status(r, "short.py");
            assertEquals(State.UNTRUSTED, s.state());
            assertEquals(PluginKind.PYTHON, s.kind());
            assertEquals(List.of(PluginFile.of(file)), r.untrusted());
        }
        trust.trust(PluginFile.of(file));
        PluginProjects.changeOneByte(file);
        try (PluginRegistry r = PluginProjects.registry(project, trust, dir.resolve("cache"))) {
            assertEquals(State.UNTRUSTED, status(r, "short.py").state(), "NO_PYTHON was not asked: not started");
        }
    }
}
