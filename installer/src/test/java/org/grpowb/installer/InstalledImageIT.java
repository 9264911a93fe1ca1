package org.grpowb.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app image as a user gets it: its own launcher, its own jlinked runtime, no Maven class path. Runs
 * {@code bin/grpowb} the way a terminal would, with a fresh home folder and no display, and checks that the bundled
 * sample trains and that the installation itself stays untouched (it is read-only for users once installed in /opt).
 * Skips where the build made no image (a JDK without jpackage).
 */
class InstalledImageIT {

    private static final Path IMAGE = Path.of(System.getProperty("grpowb.image", "target/image/grpowb"));

    /** One home for the class: PyTorch's natives are unpacked into it once (about 430 MB), not per test. */
    @TempDir
    static Path tmp;

    private static Path home;

    private static Map<String, Long> imageBefore;

    @BeforeAll
    static void image() throws IOException {
        assumeTrue(Files.isExecutable(launcher()), "no app image at " + IMAGE + " (jpackage missing?)");
        home = Files.createDirectories(tmp.resolve("home"));
        imageBefore = listing(IMAGE);
    }

    @AfterAll
    static void imageUntouched() throws IOException {
        if (imageBefore != null) {
            // everything a run writes belongs in the user's folders: an installed image is read-only for users
            assertEquals(imageBefore, listing(IMAGE), "files inside the image changed");
        }
    }

    @Test
    void versionNamesThePackageAndTheBuild() throws Exception {
        Result r = grpowb(List.of("--version"));
        assertEquals(0, r.exit(), r.toString());
        String version = r.stdout().strip();
        String pkg = System.getProperty("grpowb.package.version");
        String build = System.getProperty("grpowb.build.version");
        String expected = pkg.equals(build) ? "grpowb " + build : "grpowb " + pkg + " (build " + build + ")";
        assertEquals(expected, version);
    }

    @Test
    void trainsTheBundledSampleIntoAStoreOutsideTheImage() throws Exception {
        Path sample = appDir().resolve("sample-projects").resolve("arithmetic");
        assertTrue(Files.isRegularFile(sample.resolve("project.yaml")), "sample project missing in the image");
        Path store = tmp.resolve("store").resolve("runs.db");
        Result train = grpowb(List.of("train", sample.toString(), "--store", store.toString(), "--steps", "2"));
        assertEquals(0, train.exit(), train.toString());
        // the installed CPU app points a user at the package with the CUDA natives, not at a build profile
        assertTrue((train.stdout() + train.stderr()).contains("for a GPU, install the grpowb-cuda package"),
                train.toString());

        Result runs = grpowb(List.of("runs", "--store", store.toString(), "--json"));
        assertEquals(0, runs.exit(), runs.toString());
        JsonNode all = new ObjectMapper().readTree(runs.stdout());
        assertEquals(1, all.size(), runs.stdout());
        assertEquals("arithmetic", all.get(0).get("project").asText());
        assertEquals(2, all.get(0).get("last_step").asInt());
        assertEquals("done", all.get(0).get("status").asText());
        assertFalse(Files.exists(sample.resolve("runs")), "a runs/ folder appeared inside the image");
    }

    @Test
    void compilesAndTrustsTheSingleFilePluginExample() throws Exception {
        // the in-app compiler needs jdk.compiler and jdk.zipfs in the jlinked runtime; a missing module shows here
        Path example = appDir().resolve("plugin-examples").resolve("single-file").resolve("NoRepeatReward.java");
        assertTrue(Files.isRegularFile(example), "plugin example missing in the image");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Path sample = appDir().resolve("sample-projects").resolve("arithmetic");
        try (Stream<Path> files = Files.walk(sample)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = project.resolve(sample.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Result add = grpowb(List.of("plugins", "add", project.toString(), example.toString(), "--trust"));
        assertEquals(0, add.exit(), add.toString());
        assertTrue(add.stdout().contains("NoRepeatReward.java") && add.stdout().contains(" loaded "), add.toString());
        String sha = add.stdout().replaceAll("(?s).*sha256 ([0-9a-f]{64}).*", "$1");
        assertEquals(64, sha.length(), add.toString());
        // recorded in the user's settings (wherever the platform keeps them), so that the next start trusts it
        List<Path> trustFiles;
        try (Stream<Path> files = Files.walk(home)) {
            trustFiles = files.filter(f -> f.getFileName().toString().equals("trusted-plugins")).toList();
        }
        assertEquals(1, trustFiles.size(), "trust files under the home folder: " + trustFiles);
        assertTrue(Files.readString(trustFiles.get(0)).contains(sha), "hash not recorded in " + trustFiles.get(0));
        Result trust = grpowb(List.of("trust", project.toString()));
        assertEquals(0, trust.exit(), trust.toString());
        assertTrue(trust.stdout().startsWith("trusted "), trust.toString());
    }

    @Test
    void theExamplePluginJarIsBundledButNotOnTheClassPath() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(appDir().resolve("plugin-examples").resolve("length-reward"))) {
            jar = files.filter(f -> f.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        assertTrue(jar.getFileName().toString().startsWith("grpowb-example-length-reward"), jar.toString());
        // on the class path its reward would be built in, and adding the same jar as a plugin would clash with it
        Path cfg = appDir().resolve("grpowb.cfg");
        assertTrue(Files.readString(cfg).contains("grpowb-installer.jar"), "unexpected launcher config " + cfg);
        assertFalse(Files.readString(cfg).contains("plugin-examples"), "an example plugin is on the class path: " + cfg);
    }

    @Test
    void windowWithoutADisplayExplainsAndShowsTheUsage() throws Exception {
        Result r = grpowb(List.of());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("no display"), r.toString());
        assertTrue(r.stdout().contains("Usage: grpowb"), r.toString());
    }

    private static Path launcher() {
        Path linux = IMAGE.resolve("bin").resolve("grpowb");
        Path windows = IMAGE.resolve("grpowb.exe");
        Path mac = IMAGE.resolve("MacOS").resolve("grpowb");
        return Stream.of(linux, windows, mac).filter(Files::exists).findFirst().orElse(linux);
    }

    /** Where the image keeps the jars and bundled files ({@code $APPDIR}). */
    private static Path appDir() {
        Path linux = IMAGE.resolve("lib").resolve("app");
        return Files.isDirectory(linux) ? linux : IMAGE.resolve("app");
    }

    /** Runs the launcher as a user would: own home, no display, nothing of the build's environment for DJL. */
    private static Result grpowb(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("DJL_CACHE_DIR");
        env.remove("ENGINE_CACHE_DIR");
        env.put("HOME", home.toString());
        // Java takes user.home from the password database, not from HOME: without this, a test run as root would
        // write into /root/.grpowb and /root/.djl.ai
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + cmd + "\n" + Files.readString(err));
        }
        return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Every file of the image with its size and modification time. */
    private static Map<String, Long> listing(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                out.put(root.relativize(f).toString(),
                        Files.isDirectory(f) ? -1 : Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis());
            }
        }
        return out;
    }

    private record Result(List<String> cmd, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return cmd + " exited " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
