/**
 * The desktop workbench: an IDE-style JavaFX window over the engine. Views bind to view models; view models talk to
 * the engine only through its public API and its event stream, and never block the JavaFX thread.
 */
package org.grpowb.desktop;
