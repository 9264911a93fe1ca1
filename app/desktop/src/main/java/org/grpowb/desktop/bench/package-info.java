/**
 * Frame-time measurement of the live views under the real pulse loop: {@code --bench-frames} opens a window, scrolls
 * the token inspector through a 100k-token step and feeds the dashboard a run of 100,000 steps, and reports the
 * FX-thread work and pulse interval of every frame (plus Prism's render time, read from JavaFX's pulse logger).
 */
package org.grpowb.desktop.bench;
