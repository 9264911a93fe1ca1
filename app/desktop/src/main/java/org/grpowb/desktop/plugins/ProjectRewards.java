package org.grpowb.desktop.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Adds a reward to the {@code rewards:} list of a {@code project.yaml}, as a user would type it: a new item after
 * the list's last one, at its indentation, every other line (comments included) kept as it was. A reward added from
 * the window is then in the project file like any other, so a run, the CLI and the store's config snapshot all see it.
 * Reads and writes the file: off the JavaFX thread.
 */
final class ProjectRewards {

    private static final Pattern BLOCK_KEY = Pattern.compile("^rewards:\\s*(#.*)?$");
    private static final Pattern INLINE_KEY = Pattern.compile("^rewards:\\s*\\S.*$");
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private ProjectRewards() {
    }

    /**
     * Appends {@code - name: <name>, weight: <weight>} to the file's block list of rewards (creating the list at the
     * end of the file when there is none).
     *
     * @throws IllegalArgumentException naming the file and line when the list is written inline ({@code [ ... ]}),
     *                                  which this edit does not rewrite, or when the weight is not finite
     */
    static void add(Path projectFile, String name, double weight) {
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("the weight of " + name + " must be a finite number, got " + weight);
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(projectFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + projectFile + ": " + e.getMessage(), e);
        }
        String key = PLAIN_NAME.matcher(name).matches() ? name : "\"" + name.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"";
        String w = String.format(Locale.ROOT, "%s", weight);
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (BLOCK_KEY.matcher(lines.get(i)).matches()) {
                at = i;
                break;
            }
            if (INLINE_KEY.matcher(lines.get(i)).matches()) {
                throw new IllegalArgumentException(projectFile + ":" + (i + 1) + ": rewards: is written inline; add "
                        + "- {name: " + key + ", weight: " + w + "} to it by hand");
            }
        }
        if (at < 0) {
            lines.add("rewards:");
            lines.add("  - name: " + key);
            lines.add("    weight: " + w);
        } else {
            String indent = null;
            int last = at;
            for (int i = at + 1; i < lines.size(); i++) {
                String l = lines.get(i);
                String t = l.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (!l.startsWith(" ") && !l.startsWith("-")) {
                    break; // the next top-level key
                }
                if (indent == null && t.startsWith("-")) {
                    indent = l.substring(0, l.indexOf('-'));
                }
                last = i;
            }
            indent = indent == null ? "  " : indent;
            lines.add(last + 1, indent + "- name: " + key);
            lines.add(last + 2, indent + "  weight: " + w);
        }
        write(projectFile, String.join("\n", lines) + "\n");
    }

    private static void write(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".project-", ".yaml.part");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
