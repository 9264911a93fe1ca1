package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BuildVersionTest {

    @Test
    void theBuildsVersionFromTheManifest() {
        assertEquals("grpowb 0.1.0-SNAPSHOT", BuildVersion.line(null, "0.1.0-SNAPSHOT"));
    }

    @Test
    void withoutAManifestItIsADevBuild() {
        assertEquals("grpowb dev", BuildVersion.line(null, null));
        assertEquals("grpowb dev", BuildVersion.line("", " "));
    }

    @Test
    void anInstalledPackageNamesItsOwnVersionFirst() {
        assertEquals("grpowb 0.1.1 (build 0.1.0-SNAPSHOT)", BuildVersion.line("0.1.1", "0.1.0-SNAPSHOT"));
        assertEquals("grpowb 0.2.0", BuildVersion.line("0.2.0", "0.2.0"));
    }
}
