/**
 * Reward functions written in Python with TRL's signature, scored by a long-lived worker process of the user's
 * {@code python3}: batches out, scores back, as JSON lines.
 *
 * <p>The worker runs with the user's own rights: it can read and write whatever the user can, and nothing here
 * sandboxes it. Trusting the file's SHA-256 is the only gate, so a file is opened only once its bytes are trusted.
 */
package org.grpowb.core.plugin.python;
