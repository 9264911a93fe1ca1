/**
 * What one training run produces, as immutable records: per-step metrics, groups of rollouts and per-token traces.
 * The engine publishes them as events and the run store persists them; nothing here does I/O.
 */
package org.grpowb.core.run;
