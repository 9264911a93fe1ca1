/**
 * Finding plugins: variants, reward functions and policy-model factories are discovered with
 * {@link java.util.ServiceLoader} and looked up by the names a project file uses.
 */
package org.grpowb.core.plugin;
