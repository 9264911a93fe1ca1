/**
 * The run history: every run in a store, and a side-by-side comparison of the runs a user selects — their curves for
 * one metric overlaid, the config settings in which they differ, and their end-of-run summaries. The store is read on
 * a background thread; the UI thread only lays out what came back.
 */
package org.grpowb.desktop.history;
