/**
 * The metrics dashboard: one small chart per training metric (reward, accuracy, eval accuracy, loss, KL, entropy,
 * clip and zero-advantage shares, sign-flip rate, response length, throughput), fed once per frame.
 * {@link org.grpowb.desktop.dashboard.DashboardModel} keeps every point, its TensorBoard-style smoothed value
 * ({@link org.grpowb.desktop.dashboard.Ema}) and a min/max-decimated view of each, capped at a few thousand points so
 * long runs stay smooth; {@link org.grpowb.desktop.dashboard.DashboardView} only draws those views, the smoothed line
 * over the faint raw one.
 */
package org.grpowb.desktop.dashboard;
