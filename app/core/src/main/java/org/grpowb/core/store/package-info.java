/**
 * The run store: one SQLite file per workspace holding runs, their steps with every group, rollout and token trace,
 * evaluations, checkpoints and the steering edits submitted to running runs. {@link org.grpowb.core.store.RunStore}
 * reads and writes synchronously; {@link org.grpowb.core.store.StoreWriter} takes writes off the training thread and
 * commits them in order, in batches.
 */
package org.grpowb.core.store;
