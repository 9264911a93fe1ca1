/**
 * The installed application's one launcher: it opens the workbench window or hands its arguments to the command
 * line, so that the desktop menu entry, a double-clicked {@code project.yaml} and {@code grpowb train} in a terminal
 * all start the same program. Like the command line it is an entry point, and the only other place that writes a
 * line to the standard streams (the hint when there is no display).
 */
package org.grpowb.installer;
