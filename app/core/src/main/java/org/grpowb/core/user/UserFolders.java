package org.grpowb.core.user;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The per-user folders of the workbench, by the platform's own conventions, so that an installation stays read-only
 * and an upgrade or reinstall never touches what the user made:
 * <ul>
 *   <li>Linux (XDG base directories): settings in {@code $XDG_CONFIG_HOME/grpowb} ({@code ~/.config/grpowb}), data in
 *       {@code $XDG_DATA_HOME/grpowb} ({@code ~/.local/share/grpowb}), caches in {@code $XDG_CACHE_HOME/grpowb}
 *       ({@code ~/.cache/grpowb});</li>
 *   <li>macOS: {@code ~/Library/Application Support/GRPO Workbench} and {@code ~/Library/Caches/GRPO Workbench};</li>
 *   <li>Windows: {@code %APPDATA%\GRPO Workbench} (roaming settings and data) and
 *       {@code %LOCALAPPDATA%\GRPO Workbench\Cache}.</li>
 * </ul>
 * New projects (and copies of the bundled samples) go to {@code ~/GrpoWorkbenchProjects}, a visible folder the user
 * browses, in the manner of IntelliJ's {@code ~/IdeaProjects}.
 *
 * <p>Two exceptions keep existing set-ups working: {@code GRPOWB_USER_DIR} (or {@code -Dgrpowb.user.dir}) puts
 * settings, data and caches under one folder (tests, portable installs); and a {@code ~/.grpowb} folder from before
 * these conventions keeps being used, so an upgrade does not silently forget which plugins the user trusted.
 * {@code GRPOWB_PROJECTS_DIR} (or {@code -Dgrpowb.projects.dir}) moves the projects folder.
 *
 * @param config   settings: the trusted-plugin hashes
 * @param data     data the user would miss: nothing yet beyond settings, kept apart for the platforms that separate
 *                 them
 * @param cache    what can be rebuilt: compiled and copied plugins, DJL's engine cache
 * @param projects where new projects and copies of the samples go
 */
public record UserFolders(Path config, Path data, Path cache, Path projects) {

    /** The environment variable (and, as {@code grpowb.user.dir}, system property) that moves all user folders. */
    public static final String USER_DIR = "GRPOWB_USER_DIR";
    /** The environment variable (and, as {@code grpowb.projects.dir}, system property) for the projects folder. */
    public static final String PROJECTS_DIR = "GRPOWB_PROJECTS_DIR";
    static final String APP = "GRPO Workbench";

    /** This process's folders, from its OS, environment and system properties. */
    public static UserFolders current() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        putIfSet(env, USER_DIR, System.getProperty("grpowb.user.dir"));
        putIfSet(env, PROJECTS_DIR, System.getProperty("grpowb.projects.dir"));
        return of(System.getProperty("os.name", ""), env, Path.of(System.getProperty("user.home")));
    }

    /**
     * The folders for an OS named {@code osName} (as {@code os.name} spells it), environment {@code env} and home
     * folder {@code home}. Pure apart from checking whether a legacy {@code ~/.grpowb} exists.
     */
    public static UserFolders of(String osName, Map<String, String> env, Path home) {
        Path projects = set(env, PROJECTS_DIR) ? Path.of(env.get(PROJECTS_DIR)) : home.resolve("GrpoWorkbenchProjects");
        if (set(env, USER_DIR)) {
            Path root = Path.of(env.get(USER_DIR));
            return new UserFolders(root, root, root.resolve("cache"), projects);
        }
        Path legacy = home.resolve(".grpowb");
        if (Files.isDirectory(legacy)) {
            return new UserFolders(legacy, legacy, legacy, projects);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            Path roaming = set(env, "APPDATA") ? Path.of(env.get("APPDATA")) : home.resolve("AppData").resolve("Roaming");
            Path local = set(env, "LOCALAPPDATA") ? Path.of(env.get("LOCALAPPDATA"))
                    : home.resolve("AppData").resolve("Local");
            return new UserFolders(roaming.resolve(APP), roaming.resolve(APP), local.resolve(APP).resolve("Cache"),
                    projects);
        }
        if (os.startsWith("mac")) {
            Path support = home.resolve("Library").resolve("Application Support").resolve(APP);
            return new UserFolders(support, support, home.resolve("Library").resolve("Caches").resolve(APP), projects);
        }
        return new UserFolders(xdg(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve("grpowb"),
                xdg(env, "XDG_DATA_HOME", home.resolve(".local").resolve("share")).resolve("grpowb"),
                xdg(env, "XDG_CACHE_HOME", home.resolve(".cache")).resolve("grpowb"), projects);
    }

    /** The file of trusted plugin hashes. */
    public Path trustFile() {
        return config.resolve("trusted-plugins");
    }

    /** The content-addressed copies of plugin files. */
    public Path pluginCache() {
        return cache.resolve("plugin-cache");
    }

    /** DJL's cache folder ({@code DJL_CACHE_DIR}); offline, it only ever holds what DJL extracts from jars. */
    public Path djlCache() {
        return cache.resolve("djl");
    }

    /**
     * Points DJL's cache at {@link #djlCache()} unless the user set {@code DJL_CACHE_DIR} already; DJL reads the
     * system property before the environment, so this must run before the engine loads.
     */
    public void useForDjl() {
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", djlCache().toString());
        }
    }

    // XDG: a relative or empty value is invalid and must be ignored
    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        String v = env.get(name);
        return v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
