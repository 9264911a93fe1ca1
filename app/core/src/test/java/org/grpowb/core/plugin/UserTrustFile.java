package org.grpowb.core.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import org.grpowb.core.user.ProjectCopy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points the user's trust file ({@code -Dgrpowb.trust.file}, what {@link PluginTrust#user()} and a run's plugin
 * reload read) at a fresh file of the test's own for each test, and puts the property back after it, so that no test
 * trusts anything in the user's real file or in another test's.
 */
public final class UserTrustFile implements BeforeEachCallback, AfterEachCallback {

    private static final String PROPERTY = "grpowb.trust.file";

    private String before;
    private Path dir;
    private PluginTrust trust;

    /** The user's trust, as {@link PluginTrust#user()} gives it during the test. */
    public PluginTrust trust() {
        return trust;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        before = System.getProperty(PROPERTY);
        dir = Files.createTempDirectory("grpowb-trust");
        System.setProperty(PROPERTY, dir.resolve("trusted-plugins").toString());
        trust = PluginTrust.user();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        ProjectCopy.deleteTree(dir);
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
    }
}
