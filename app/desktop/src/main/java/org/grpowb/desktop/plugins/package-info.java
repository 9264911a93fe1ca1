/**
 * A project's plugins as the window handles them: which of its jars the user trusts, is asked about or declined, and
 * how each one loaded. Plugins are code from elsewhere; nothing of a jar runs before the user has trusted its bytes.
 */
package org.grpowb.desktop.plugins;
