package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.grpowb.api.PluginApi;
import org.grpowb.api.RewardFunction;

/**
 * Builds real plugin jars for tests: compiles a reward function's source with the JDK's compiler against the plugin
 * API alone (as an outside author would) and packs it with its {@code META-INF/services} entry and the manifest's
 * plugin API version ({@link PluginApi#MANIFEST_ATTRIBUTE}), this workbench's unless a test asks for another or none.
 */
public final class PluginJarFixture {

    private PluginJarFixture() {
    }

    /**
     * A reward plugin named {@code name} that scores 1 when the completion has at most {@code maxChars} characters;
     * {@code initialiser} is put in the class's static initialiser (e.g. a {@code throw} to make the jar fail).
     */
    public static Path shortAnswerReward(Path jar, String name, int maxChars, String initialiser) throws IOException {
        return shortAnswerReward(jar, name, maxChars, initialiser, String.valueOf(PluginApi.VERSION));
    }

    /** As {@link #shortAnswerReward(Path, String, int, String)}, built against {@code apiVersion} (null: none). */
    public static Path shortAnswerReward(Path jar, String name, int maxChars, String initialiser, String apiVersion)
            throws IOException {
        String cls = "ShortAnswer" + Math.abs(name.hashCode());
        String source = """
                package com.example.drop;

                import org.grpowb.api.Example;
                import org.grpowb.api.PluginApi;
import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public final class %s implements RewardFunction {
                    static {
                        %s
                    }
                    public String name() { return "%s"; }
                    public String description() { return "1 for an answer of at most %d characters"; }
                    public RewardResult score(String completion, Example example) {
                        return RewardResult.of(name(), completion.strip().length() <= %d ? 1.0 : 0.0,
                                Verdict.UNVERIFIED);
                    }
                }
                """.formatted(cls, initialiser, name, maxChars, maxChars);
        return jar(jar, "com.example.drop." + cls, source, RewardFunction.class, apiVersion);
    }

    /** Compiles one class and packs it as a plugin jar of this workbench's API registering it for {@code service}. */
    public static Path jar(Path jar, String className, String source, Class<?> service) throws IOException {
        return jar(jar, className, source, service, String.valueOf(PluginApi.VERSION));
    }

    /**
     * Compiles one source file (its other top-level and nested classes go in too) and packs it as a plugin jar
     * registering {@code className} for {@code service}, its manifest naming {@code apiVersion} (null: no attribute).
     */
    public static Path jar(Path jar, String className, String source, Class<?> service, String apiVersion)
            throws IOException {
        Path work = Files.createTempDirectory("plugin-src");
        Path src = work.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                "-cp", apiJar().toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("the test plugin did not compile");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (apiVersion != null) {
            manifest.getMainAttributes().putValue(PluginApi.MANIFEST_ATTRIBUTE, apiVersion);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            write(out, className + "\n");
            out.closeEntry();
        }
        return jar;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the plugin API's classes are (a jar, or a classes folder inside the build). */
    private static Path apiJar() {
        try {
            return Path.of(RewardFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
