package org.grpowb.core.plugin;

import static org.grpowb.core.plugin.PluginProjects.status;
import static org.grpowb.core.plugin.PluginProjects.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.plugin.PluginStatus.State;
import org.grpowb.core.project.ProjectLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single {@code .java} file dropped into a project: compiled in-process against the plugin API alone once trusted,
 * its services taken from the interfaces its class implements, and every way it can fail a problem located in the
 * project's own file.
 */
class SingleFilePluginTest {

    @TempDir
    Path dir;

    private Path project;
    private PluginTrust trust;
    private final Example twoPlusTwo = new Example("e1", "2+2=", "4", Map.of());

    @BeforeEach
    void aProject() {
        project = dir.resolve("p");
        trust = new PluginTrust(dir.resolve("trusted-plugins"));
    }

    private PluginRegistry registry() {
        return PluginProjects.registry(project, trust, dir.resolve("cache"));
    }

    private PluginStatus trustedAndLoaded(String fileName, String source) throws Exception {
        Path file = write(project, fileName, source);
        trust.trust(PluginFile.of(file));
        try (PluginRegistry r = registry()) {
            return status(r, fileName);
        }
    }

    @Test
    void aJavaRewardCompilesOnceTrustedIsFoundByNameAndScores() throws Exception {
        Path file = write(project, "EndsWithAnswer.java", PluginProjects.rewardSource("EndsWithAnswer", "ends_with"));
        try (PluginRegistry untrusted = registry()) {
            assertEquals(List.of(PluginFile.of(file)), untrusted.untrusted());
            assertFalse(untrusted.rewardNames().contains("ends_with"));
        }
        trust.trust(PluginFile.of(file));
        try (PluginRegistry r = registry()) {
            PluginStatus s = status(r, "EndsWithAnswer.java");
            assertEquals(State.LOADED, s.state(), s.toString());
            assertEquals(PluginKind.JAVA_SOURCE, s.kind());
            assertEquals(Map.of("RewardFunction", List.of("ends_with")), s.provides());
            assertEquals("compiled from source against plugin API 1", s.detail());

            RewardFunction reward = r.reward("ends_with");
            assertEquals("ends_with", reward.name());
            assertEquals(1.0, reward.score("so it is 4", twoPlusTwo).scores().get("ends_with"));
            assertEquals(0.0, reward.score("so it is 5", twoPlusTwo).scores().get("ends_with"));

            ClassLoader loader = PluginRegistry.loaderOf(reward);
            assertInstanceOf(SourcePluginLoader.class, loader);
            assertEquals("plugin:EndsWithAnswer.java", loader.getName());
            assertEquals(RewardFunction.class, loader.loadClass(RewardFunction.class.getName()), "the API is shared");
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass(ProjectLoader.class.getName()),
                    "the engine is not visible to a plugin");
        }
    }

    @Test
    void aTypeErrorIsAProblemAtItsLineAndColumnInTheProjectsOwnFile() throws Exception {
        String source = PluginProjects.rewardSource("Typo", "typo").replace(
                "double s = completion.strip().endsWith(example.answer()) ? 1.0 : 0.0;",
                "double s = completion.strip().endsWith(example.answer()) ? 1.0 : 0.0;\n        int n = \"four\";");
        PluginStatus s = trustedAndLoaded("Typo.java", source);
        assertEquals(State.FAILED, s.state());
        assertEquals(1, s.problems().size(), s.problems().toString());
        PluginProblem p = s.problems().get(0);
        assertEquals(project.resolve("plugins/Typo.java").toAbsolutePath(), p.file(), "the user's file, not the copy");
        assertEquals(13, p.line());
        assertEquals(17, p.column());
        assertEquals("incompatible types: java.lang.String cannot be converted to int", p.message());
        assertEquals(p.file() + ":13:17: incompatible types: java.lang.String cannot be converted to int",
                p.toString());

        try (PluginRegistry r = registry()) {
            assertEquals(List.of("plugins/Typo.java was not loaded: line 13, column 17: incompatible types: "
                    + "java.lang.String cannot be converted to int"), r.problems());
            assertFalse(r.rewardNames().contains("typo"), "a file that fails registers nothing");
        }
    }

    @Test
    void theSourceIsCompiledAgainstThePluginApiAloneNotTheEngine() {
        String source = PluginProjects.rewardSource("Reaching", "reaching")
                .replace("import org.grpowb.api.Verdict;", "import org.grpowb.api.Verdict;\n"
                        + "import org.grpowb.core.project.ProjectLoader;");
        SingleFileCompiler.Result r = SingleFileCompiler.compile(Path.of("/p/plugins/Reaching.java"), source);
        assertFalse(r.succeeded());
        PluginProblem p = r.problems().get(0);
        assertEquals(7, p.line(), p.toString());
        assertEquals("package org.grpowb.core.project does not exist", p.message());
        assertTrue(r.classes().isEmpty());
    }

    @Test
    void aPublicClassMustBeNamedAfterItsFileAsJavacWants() {
        SingleFileCompiler.Result r = SingleFileCompiler.compile(Path.of("/p/plugins/Misnamed.java"),
                PluginProjects.rewardSource("EndsWithAnswer", "ends_with"));
        assertEquals(List.of(new PluginProblem(Path.of("/p/plugins/Misnamed.java"), 8, 8,
                        "class EndsWithAnswer is public, should be declared in a file named EndsWithAnswer.java")),
                r.problems());
    }

    @Test
    void aFileWithNoPluginClassIsAProblemAtItsFirstClass() throws Exception {
        PluginStatus s = trustedAndLoaded("Helper.java", """
                package com.example.single;

                /** Not a plugin: it implements nothing (its Javadoc is not its declaration's line). */
                public class Helper {
                    public static int twice(int a) {
                        return 2 * a;
                    }
                }
                """);
        assertEquals(State.FAILED, s.state());
        assertEquals(List.of(new PluginProblem(project.resolve("plugins/Helper.java").toAbsolutePath(), 4, 0,
                "no public top-level class here implements a plugin interface (RewardFunction, GrpoVariant, "
                        + "PolicyModelFactory, PromptSampler or HintPolicy)")), s.problems());
    }

    @Test
    void aPluginClassTheWorkbenchCannotCreateIsAProblemAtItsDeclaration() throws Exception {
        String source = PluginProjects.rewardSource("Configured", "configured").replace(
                "public String name() {", "public Configured(int limit) { }\n    public String name() {");
        PluginStatus s = trustedAndLoaded("Configured.java", source);
        assertEquals(List.of(new PluginProblem(project.resolve("plugins/Configured.java").toAbsolutePath(), 8, 0,
                "Configured has no public constructor without arguments: the workbench creates each plugin with new "
                        + "Configured()")), s.problems());

        PluginStatus abstractOne = trustedAndLoaded("Half.java", PluginProjects.rewardSource("Half", "half")
                .replace("public class Half", "public abstract class Half"));
        assertEquals(8, abstractOne.problems().get(0).line());
        assertEquals("Half is abstract: a plugin is a concrete class the workbench can create",
                abstractOne.problems().get(0).message());
    }

    @Test
    void itsServicesAreTheInterfacesItsClassImplements() throws Exception {
        PluginStatus s = trustedAndLoaded("Both.java", """
                package com.example.single;

                import org.grpowb.api.Example;
                import org.grpowb.api.HintPolicy;
                import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public class Both implements RewardFunction, HintPolicy {
                    public String name() { return "both"; }
                    public String description() { return "a reward and a hint policy in one class"; }
                    public RewardResult score(String completion, Example example) {
                        return RewardResult.of(name(), 0.5, Verdict.UNVERIFIED);
                    }
                    // both interfaces have these as defaults: a class implementing both must choose
                    public java.util.List<org.grpowb.api.SettingSpec> settings() { return java.util.List.of(); }
                    public void configure(org.grpowb.api.Settings settings) { }
                    public Choice choose(Request request) {
                        return new Choice(Math.min(2, request.tiers()), 0);
                    }
                }
                """);
        assertEquals(State.LOADED, s.state(), s.toString());
        assertEquals(Map.of("RewardFunction", List.of("both"), "HintPolicy", List.of("both")), s.provides());
        try (PluginRegistry r = registry()) {
            assertEquals(0.5, r.reward("both").score("x", twoPlusTwo).scores().get("both"));
            HintPolicy policy = r.hintPolicy("both");
            assertEquals(List.of("both"), r.hintPolicyNames());
            assertEquals(new HintPolicy.Choice(2, 0), policy.choose(new HintPolicy.Request(1, twoPlusTwo, 3,
                    PromptHistory.unseen("e1"))));
            assertTrue(r.variantNames().stream().noneMatch("both"::equals));
        }
    }
}
