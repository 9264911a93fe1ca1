/**
 * A tiny character-level GPT-2-style policy, written directly with DJL NDArray operations on named parameter arrays so
 * that the key/value cache, the padding layout and the parameter names stay in plain sight. It is the workbench's
 * default {@link org.grpowb.api.PolicyModel}: small enough to train from scratch on a laptop CPU in minutes.
 */
package org.grpowb.tinygpt;
