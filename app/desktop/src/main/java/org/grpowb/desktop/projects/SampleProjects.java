package org.grpowb.desktop.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grpowb.core.user.ProjectCopy;

/**
 * The sample projects that ship with the workbench, and new projects made from them. The samples live in
 * {@code sample-projects/} under the installation ({@code -Dgrpowb.home}, which the launcher sets), or where
 * {@code -Dgrpowb.samples} says; from a source checkout they are found by looking up from the working directory.
 */
public final class SampleProjects {

    /** A project name is a folder name: letters, digits, '.', '_' and '-'. */
    public static final Pattern NAME = ProjectCopy.NAME;

    private SampleProjects() {
    }

    /** The folder holding the sample projects, if there is one. */
    public static Optional<Path> locate() {
        String explicit = System.getProperty("grpowb.samples");
        if (explicit != null) {
            return Optional.of(Path.of(explicit)).filter(Files::isDirectory);
        }
        String home = System.getProperty("grpowb.home");
        if (home != null && Files.isDirectory(Path.of(home, "sample-projects"))) {
            return Optional.of(Path.of(home, "sample-projects"));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("sample-projects"))) {
                return Optional.of(d.resolve("sample-projects"));
            }
        }
        return Optional.empty();
    }

    /** The projects in {@code samplesDir} (folders with a {@code project.yaml}), by name. */
    public static List<SampleProject> list(Path samplesDir) {
        List<SampleProject> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(samplesDir)) {
            for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("project.yaml"))).toList()) {
                out.add(describe(d));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + samplesDir, e);
        }
        out.sort(Comparator.comparing(SampleProject::name));
        return out;
    }

    /** A project's name and description from its {@code project.yaml}, without loading its data. */
    public static SampleProject describe(Path projectDir) {
        Path yaml = projectDir.resolve("project.yaml");
        try {
            JsonNode root = new YAMLMapper().readTree(yaml.toFile());
            String fallback = projectDir.getFileName().toString();
            return new SampleProject(projectDir, root == null ? fallback : root.path("name").asText(fallback),
                    root == null ? "" : root.path("description").asText(""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml, e);
        }
    }

    /**
     * Creates the project {@code name} in {@code parent} as a copy of {@code template}: its files without its runs,
     * with {@code name:} in {@code project.yaml} set to the new name.
     *
     * @return the new project's folder
     * @throws IllegalArgumentException if the name is not a folder name or the folder exists already
     */
    public static Path create(Path template, Path parent, String name) throws IOException {
        return ProjectCopy.create(template, parent, name);
    }
}
