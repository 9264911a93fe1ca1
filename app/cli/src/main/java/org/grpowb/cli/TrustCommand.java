package org.grpowb.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grpowb trust}: lists a project's plugin files (jars, Java sources, Python files) with their SHA-256 and
 * whether this user trusts them, and with {@code --yes} trusts them. A project's plugins are code from elsewhere:
 * nothing runs them until this (or the window's trust dialog) says so.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "List a project's plugin files (plugins/*.jar, *.java, *.py) and, with --yes, trust them to run.")
final class TrustCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder")
    Path project;

    @Option(names = "--yes", description = "trust every file listed (their exact bytes)")
    boolean yes;

    @Override
    public Integer call() {
        PluginTrust trust = PluginTrust.user();
        List<PluginFile> jars = PluginRegistry.files(project.toAbsolutePath().normalize());
        if (jars.isEmpty()) {
            System.out.println("no plugin files in " + project.resolve(PluginRegistry.PROJECT_PLUGINS));
            return 0;
        }
        for (PluginFile jar : jars) {
            boolean trusted = trust.trusts(jar);
            if (!trusted && yes) {
                trust.trust(jar);
            }
            System.out.printf("%-10s %s  sha256 %s%n", trusted ? "trusted" : yes ? "now trusted" : "untrusted",
                    jar.file(), jar.sha256());
        }
        if (!yes && jars.stream().anyMatch(j -> !trust.trusts(j))) {
            System.out.println("run again with --yes to trust these files (" + trust.file() + ")");
        }
        return 0;
    }
}
