/**
 * Finding plugins: variants, reward functions and policy-model factories are discovered with
 * {@link java.util.ServiceLoader} and looked up by the names a project file uses. A project's own plugin jars load
 * only once the user trusts their exact bytes, each in a class loader of its own that shares only the plugin API.
 */
package org.grpowb.core.plugin;
