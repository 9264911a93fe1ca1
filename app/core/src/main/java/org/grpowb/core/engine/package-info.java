/**
 * The training engine: one GRPO step ({@link org.grpowb.core.engine.GrpoStep}) and the run around it
 * ({@link org.grpowb.core.engine.TrainingRun}): sampling groups, scoring, advantages, the policy update, evaluation,
 * checkpoints and the typed event stream a UI subscribes to. Knows nothing of any UI toolkit.
 */
package org.grpowb.core.engine;
