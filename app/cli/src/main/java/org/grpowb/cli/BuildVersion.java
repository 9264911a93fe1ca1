package org.grpowb.cli;

import picocli.CommandLine;

/**
 * What {@code grpowb --version} prints: the version of the build, read from the jar's manifest
 * ({@code Implementation-Version}, written by the jar plugin), so that it can never drift from the pom the way a
 * constant in the source does. An installed package names its own version ({@code -Dgrpowb.version}, set by the
 * installer's launcher, which a package manager needs as plain numbers); it comes first when it differs. Classes run
 * from a build folder have no manifest: "dev".
 */
final class BuildVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[]{line(System.getProperty("grpowb.version"), Grpowb.class.getPackage().getImplementationVersion())};
    }

    /** The version line from the installed package's version and the build's (either may be missing). */
    static String line(String packageVersion, String buildVersion) {
        String build = buildVersion == null || buildVersion.isBlank() ? "dev" : buildVersion;
        if (packageVersion == null || packageVersion.isBlank() || packageVersion.equals(build)) {
            return "grpowb " + build;
        }
        return "grpowb " + packageVersion + " (build " + build + ")";
    }
}
