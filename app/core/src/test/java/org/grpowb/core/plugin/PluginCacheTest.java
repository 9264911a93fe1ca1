package org.grpowb.core.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is loaded is a content-addressed copy of exactly the bytes that were hashed and trusted, never the project's
 * file read again: a file changed after it was hashed changes nothing that was loaded.
 */
class PluginCacheTest {

    @TempDir
    Path dir;

    /** A reward whose score comes from a second class, loaded only on the first call (after the file changed). */
    private static Path lazyReward(Path jar, double score) throws Exception {
        return PluginJarFixture.jar(jar, "com.example.lazy.Lazy", """
                package com.example.lazy;

                import org.grpowb.api.Example;
                import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public final class Lazy implements RewardFunction {
                    public String name() { return "lazy"; }
                    public String description() { return "a score from a class loaded on first use"; }
                    public RewardResult score(String completion, Example example) {
                        return RewardResult.of(name(), Score.value(), Verdict.UNVERIFIED);
                    }
                }

                final class Score {
                    static double value() { return %s; }
                }
                """.formatted(score), RewardFunction.class);
    }

    @Test
    void aCopyLivesAtItsHashAndFileNameAndABadCopyIsRewritten() throws Exception {
        Path original = PluginProjects.write(dir.resolve("p"), "Reward.java", "class Reward { }\n");
        PluginFile.Read read = PluginFile.read(original);
        PluginCache cache = new PluginCache(dir.resolve("cache"));

        Path copy = cache.store(read);
        assertEquals(dir.resolve("cache").resolve(read.file().sha256()).resolve("Reward.java"), copy);
        assertEquals(copy, cache.pathOf(read.file()));
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));

        Files.writeString(copy, "class Reward { static { System.exit(1); } }\n");
        assertEquals(copy, cache.store(read));
        assertEquals("class Reward { }\n", Files.readString(copy), "a copy that does not match its hash is rewritten");
        try (var files = Files.list(copy.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void theBytesStoredAreTheBytesReadNotTheFileAsItIsNow() throws Exception {
        Path original = PluginProjects.write(dir.resolve("p"), "Reward.java", "class Reward { }\n");
        PluginFile.Read read = PluginFile.read(original);
        Files.writeString(original, "class Reward { static { System.exit(1); } }\n");

        Path copy = new PluginCache(dir.resolve("cache")).store(read);
        assertEquals("class Reward { }\n", Files.readString(copy));
        assertNotEquals(PluginFile.of(original).sha256(), read.file().sha256());
    }

    @Test
    void aJarChangedInPlaceAfterLoadingStillRunsTheTrustedBytes() throws Exception {
        Path project = dir.resolve("p");
        Path jar = lazyReward(project.resolve("plugins/lazy.jar"), 0.25);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        PluginFile trusted = PluginFile.of(jar);
        trust.trust(trusted);
        Path cache = dir.resolve("cache");

        try (PluginRegistry r = PluginProjects.registry(project, trust, cache)) {
            Path copy = cache.resolve(trusted.sha256()).resolve("lazy.jar");
            assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(copy), "copied at <root>/<sha256>/<name>");
            RewardFunction reward = r.reward("lazy");

            // rewritten in place (same inode): a loader over the project's path would now read other bytes
            Files.write(jar, Files.readAllBytes(lazyReward(dir.resolve("other/lazy.jar"), 0.75)));
            assertEquals(0.25, reward.score("x", new Example("e", "p", "a", Map.of())).scores().get("lazy"));
        }
    }
}
