package org.grpowb.core.user;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A new project made as a copy of another: its files without its runs, under a name of its own. */
public final class ProjectCopy {

    /** A project name is a folder name: letters, digits, '.', '_' and '-'. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final Pattern NAME_LINE = Pattern.compile("(?m)^name:.*$");

    private ProjectCopy() {
    }

    /**
     * Creates the project {@code name} in {@code parent} as a copy of {@code template}: its files without its
     * {@code runs/} folder, with {@code name:} in {@code project.yaml} set to the new name. The copy is made in a
     * staging folder and moved into place, so a failure half-way never leaves a half project under the name.
     *
     * @return the new project's folder
     * @throws IllegalArgumentException if the name is not a folder name or the folder exists already
     */
    public static Path create(Path template, Path parent, String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a project name is letters, digits, '.', '_' or '-': " + name);
        }
        return copy(template, parent, name, name);
    }

    /**
     * Copies {@code template} to {@code parent/folder} as it is, its {@code name:} kept: the user's copy of a
     * bundled sample stays the same project, so its runs keep matching it.
     */
    public static Path copyAsIs(Path template, Path parent, String folder) throws IOException {
        return copy(template, parent, folder, null);
    }

    private static Path copy(Path template, Path parent, String folder, String newName) throws IOException {
        Path target = parent.resolve(folder);
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists already");
        }
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + folder + ".creating");
        deleteTree(staging);
        try (Stream<Path> s = Files.walk(template)) {
            for (Path p : s.sorted().toList()) {
                Path rel = template.relativize(p);
                if (rel.getNameCount() > 0 && rel.getName(0).toString().equals("runs")) {
                    continue; // a new project starts without the template's run history
                }
                Path q = staging.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        if (newName != null) {
            Path yaml = staging.resolve("project.yaml");
            String text = Files.readString(yaml);
            Matcher m = NAME_LINE.matcher(text);
            Files.writeString(yaml, m.find() ? m.replaceFirst("name: " + newName) : "name: " + newName + "\n" + text);
        }
        Files.move(staging, target);
        return target;
    }

    /** Deletes {@code dir} and everything under it, if it exists (a staging folder left by a failed copy). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
