/**
 * Reward functions written in Python with TRL's signature, scored by a long-lived worker process of the user's
 * {@code python3}: batches out, scores back, as JSON lines.
 */
package org.grpowb.core.plugin.python;
