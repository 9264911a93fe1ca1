/**
 * The metrics dashboard: one small chart per training metric (reward, accuracy, eval accuracy, loss, KL, entropy,
 * clip and zero-advantage shares, sign-flip rate, response length, throughput), fed once per frame.
 * {@link org.grpowb.desktop.dashboard.DashboardModel} keeps every point and a min/max-decimated view capped at a few
 * thousand points so long runs stay smooth; {@link org.grpowb.desktop.dashboard.DashboardView} only draws that view.
 */
package org.grpowb.desktop.dashboard;
