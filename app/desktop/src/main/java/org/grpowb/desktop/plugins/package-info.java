/**
 * A project's plugins as the window handles them: files dropped on the window or added from the Plugins menu, which
 * of them the user trusts, is asked about or declined, the Plugins tab that lists, disables and removes them, the
 * rewards they add to the run configuration, and "Score with…" to try a reward on one completion. Plugins are code
 * from elsewhere; nothing of a file runs before the user has trusted its bytes.
 */
package org.grpowb.desktop.plugins;
