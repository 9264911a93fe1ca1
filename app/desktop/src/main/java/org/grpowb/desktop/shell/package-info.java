/**
 * The parts of the IDE frame that every editor shares: the problems list (each problem knows its file and line),
 * in-window notifications, the status bar's long-work indicator with its Cancel button, collapsible panels, and the
 * plain-text editor a problem opens at its line.
 */
package org.grpowb.desktop.shell;
