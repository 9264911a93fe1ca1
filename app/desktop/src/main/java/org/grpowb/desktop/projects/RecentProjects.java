package org.grpowb.desktop.projects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** The projects opened most recently, newest first, kept in user preferences. */
public final class RecentProjects {

    private static final int KEEP = 8;
    private static final String KEY = "recent";

    private final Preferences prefs;

    public RecentProjects(Preferences prefs) {
        this.prefs = prefs;
    }

    public List<Path> list() {
        String saved = prefs.get(KEY, "");
        return saved.isEmpty() ? List.of() : saved.lines().map(Path::of).toList();
    }

    /** Puts {@code dir} first (once) and returns the updated list. */
    public List<Path> remember(Path dir) {
        List<Path> recent = new ArrayList<>(list());
        Path abs = dir.toAbsolutePath().normalize();
        recent.remove(abs);
        recent.add(0, abs);
        List<Path> kept = List.copyOf(recent.subList(0, Math.min(KEEP, recent.size())));
        prefs.put(KEY, String.join("\n", kept.stream().map(Path::toString).toList()));
        return kept;
    }
}
