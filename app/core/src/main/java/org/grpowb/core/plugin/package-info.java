/**
 * Finding plugins: variants, rewards, model factories, prompt samplers and hint policies, bundled (found with
 * {@link java.util.ServiceLoader}) or dropped into a project's {@code plugins/} folder as a jar, a single
 * {@code .java} file or a Python file of reward functions, and looked up by the names a project file uses. A project's
 * own files load only once the user trusts their exact bytes, from a content-addressed copy of those bytes, each Java
 * plugin in a class loader of its own that shares only the plugin API, and all of it closed with the project.
 */
package org.grpowb.core.plugin;
