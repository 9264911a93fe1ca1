package org.grpowb.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's calls run with its own class loader as the thread's context class loader (what libraries it bundles
 * look their classes up with), and the caller's is back once the call returns or throws.
 */
class ContextClassLoaderTest {

    @TempDir
    Path dir;

    /** Its description is the context loader's name; it scores 1 when that loader is its own. */
    private static final String ECHO = """
            package com.example.echo;

            import org.grpowb.api.Example;
            import org.grpowb.api.RewardFunction;
            import org.grpowb.api.RewardResult;
            import org.grpowb.api.Verdict;

            public final class LoaderEcho implements RewardFunction {
                public String name() { return "loader_echo"; }
                public String description() {
                    return String.valueOf(Thread.currentThread().getContextClassLoader().getName());
                }
                public RewardResult score(String completion, Example example) {
                    if (completion.equals("throw")) {
                        throw new IllegalStateException("asked to throw");
                    }
                    boolean own = Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
                    return RewardResult.of(name(), own ? 1.0 : 0.0, Verdict.UNVERIFIED);
                }
            }
            """;

    private final Example example = new Example("e", "p", "a", Map.of());

    private Path project(PluginKind kind) throws Exception {
        Path project = dir.resolve("p");
        Path file = kind == PluginKind.JAR
                ? PluginJarFixture.jar(project.resolve("plugins/echo.jar"), "com.example.echo.LoaderEcho", ECHO,
                RewardFunction.class)
                : PluginProjects.write(project, "LoaderEcho.java", ECHO);
        new PluginTrust(dir.resolve("trusted-plugins")).trust(PluginFile.of(file));
        return project;
    }

    @ParameterizedTest
    @EnumSource(value = PluginKind.class, names = {"JAR", "JAVA_SOURCE"})
    void eachCallSeesThePluginsLoaderAndTheCallersIsRestoredAfter(PluginKind kind) throws Exception {
        Path project = project(kind);
        ClassLoader caller = new URLClassLoader("caller", new URL[0], null);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (PluginRegistry r = PluginProjects.registry(project, new PluginTrust(dir.resolve("trusted-plugins")),
                dir.resolve("cache"))) {
            thread.setContextClassLoader(caller);
            RewardFunction echo = r.reward("loader_echo");
            String file = kind == PluginKind.JAR ? "echo.jar" : "LoaderEcho.java";
            assertEquals("plugin:" + file, echo.description());
            assertSame(caller, thread.getContextClassLoader(), "restored after the call");

            assertEquals(1.0, echo.score("x", example).scores().get("loader_echo"));
            List<RewardResult> batch = echo.scoreBatch(List.of("x", "y"), List.of(example, example));
            assertEquals(List.of(1.0, 1.0), batch.stream().map(b -> b.scores().get("loader_echo")).toList(),
                    "a default method runs in the plugin's context too");

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> echo.score("throw", example),
                    "the plugin's own exception, not a reflective wrapper");
            assertEquals("asked to throw", e.getMessage());
            assertSame(caller, thread.getContextClassLoader(), "restored after a throw");
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void bundledPluginsAreHandedOutAsTheyAre() {
        RewardFunction exact = PluginRegistry.discover().reward("exact_answer");
        assertFalse(Proxy.isProxyClass(exact.getClass()));
        assertEquals("org.grpowb.rewards.ExactAnswerReward", exact.getClass().getName());
    }
}
