/**
 * Running training from the window: a run on a background thread, its events queued and handed to the views once
 * per frame.
 */
package org.grpowb.desktop.run;
