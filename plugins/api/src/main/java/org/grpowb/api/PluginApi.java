package org.grpowb.api;

/**
 * The version of this plugin API. A plugin jar names the version it was built against in its manifest; the workbench
 * loads only jars built against its own, and says why it refuses the others. It goes up when an interface of this
 * package changes in a way that breaks a compiled plugin (a method removed or changed, a new abstract method).
 */
public final class PluginApi {

    /** This API's version. */
    public static final int VERSION = 1;

    /** The manifest attribute of a plugin jar that holds the API version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "GrpoWB-Plugin-Api";

    private PluginApi() {
    }
}
