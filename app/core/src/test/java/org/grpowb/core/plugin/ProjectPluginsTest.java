package org.grpowb.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectException;
import org.grpowb.core.project.ProjectLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project's own plugin jars: not loaded until the user trusts their exact bytes, each in a class loader that shares
 * only the plugin API, and a jar that fails to load is left out with the reason, never taking the others down.
 */
class ProjectPluginsTest {

    @TempDir
    Path dir;

    private String cacheBefore;

    /** The two-argument registry keeps its copies where -Dgrpowb.plugin.cache says: this test's folder. */
    @BeforeEach
    void aCacheOfItsOwn() {
        cacheBefore = System.getProperty("grpowb.plugin.cache");
        System.setProperty("grpowb.plugin.cache", dir.resolve("cache").toString());
    }

    @AfterEach
    void restoreTheCache() {
        if (cacheBefore == null) {
            System.clearProperty("grpowb.plugin.cache");
        } else {
            System.setProperty("grpowb.plugin.cache", cacheBefore);
        }
    }

    private Path projectWithShortAnswer() throws Exception {
        Path project = dir.resolve("p");
        TestProjects.write(project, TestProjects.tinyYaml(TestProjects.GRPO,
                "rewards:\n  - {name: exact_answer, weight: 1.0}\n  - {name: short_answer, weight: 0.5}\n",
                TestProjects.training(2, "")));
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/short-answer.jar"), "short_answer", 3, "");
        return project;
    }

    @Test
    void anUntrustedJarIsNotLoadedAndTheErrorSaysHowToTrustIt() throws Exception {
        Path project = projectWithShortAnswer();
        PluginTrust trust = new PluginTrust(dir.resolve("trust"));
        PluginRegistry registry = PluginRegistry.forProject(project, trust);
        assertEquals(1, registry.untrusted().size());
        assertFalse(registry.rewardNames().contains("short_answer"));
        var e = assertThrows(ProjectException.class, () -> new ProjectLoader(registry).load(project));
        assertTrue(e.getMessage().contains("project.yaml:") && e.getMessage().contains("unknown reward 'short_answer'")
                && e.getMessage().contains("plugins/short-answer.jar (not trusted"), e.getMessage());
        assertFalse(Files.exists(trust.file()), "nothing is trusted behind the user's back");
    }

    @Test
    void aTrustedJarLoadsInItsOwnClassLoaderAndScores() throws Exception {
        Path project = projectWithShortAnswer();
        PluginTrust trust = new PluginTrust(dir.resolve("trust"));
        PluginFile jar = PluginRegistry.files(project).get(0);
        trust.trust(jar);
        assertTrue(new PluginTrust(dir.resolve("trust")).trusts(jar), "kept in the trust file");

        PluginRegistry registry = PluginRegistry.forProject(project, trust);
        assertTrue(registry.untrusted().isEmpty() && registry.problems().isEmpty(), registry.problems().toString());
        Project p = new ProjectLoader(registry).load(project);
        RewardFunction reward = p.rewards().get(1).function();
        assertEquals("short_answer", reward.name());
        assertEquals(0.5, p.rewards().get(1).weight());
        Example ex = p.data().train().get(0);
        assertEquals(1.0, reward.score("42", ex).scores().get("short_answer"));
        assertEquals(0.0, reward.score("4242", ex).scores().get("short_answer"));

        ClassLoader loader = PluginRegistry.loaderOf(reward);
        assertTrue(loader instanceof IsolatedPluginLoader, String.valueOf(loader));
        assertEquals(dir.resolve("cache").resolve(jar.sha256()).resolve("short-answer.jar").toUri().toURL(),
                ((IsolatedPluginLoader) loader).getURLs()[0], "loaded from the content-addressed copy");
        assertEquals(RewardFunction.class, loader.loadClass(RewardFunction.class.getName()), "the API is shared");
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass(ProjectLoader.class.getName()),
                "the engine is not visible to a plugin");
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"),
                "nor are the application's libraries");
    }

    @Test
    void changedBytesMustBeTrustedAgain() throws Exception {
        Path project = projectWithShortAnswer();
        PluginTrust trust = new PluginTrust(dir.resolve("trust"));
        trust.trust(PluginRegistry.files(project).get(0));
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/short-answer.jar"), "short_answer", 5, "");
        assertEquals(1, PluginRegistry.forProject(project, trust).untrusted().size());
    }

    @Test
    void aJarThatFailsToLoadIsLeftOutWithItsReasonAndTheOthersStillLoad() throws Exception {
        Path project = projectWithShortAnswer();
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/broken.jar"), "broken_reward", 3,
                "if (true) { throw new IllegalStateException(\"no licence key\"); }");
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/clash.jar"), "exact_answer", 3, "");
        PluginTrust trust = new PluginTrust(dir.resolve("trust"));
        PluginRegistry.files(project).forEach(trust::trust);

        PluginRegistry registry = PluginRegistry.forProject(project, trust);
        List<String> problems = registry.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("plugins/broken.jar was not loaded")
                && p.contains("no licence key")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("plugins/clash.jar was not loaded")
                && p.contains("named 'exact_answer'")), problems.toString());
        assertTrue(registry.rewardNames().contains("short_answer"), "the good jar still loads");
        assertEquals("exact_answer", new ProjectLoader(registry).load(project).rewards().get(0).function().name());
        assertEquals(org.grpowb.core.plugin.PluginRegistry.class.getClassLoader(),
                registry.reward("exact_answer").getClass().getClassLoader(), "the bundled one wins the clash");
    }
}
