/**
 * The token inspector: one step's groups shown rollout by rollout, each token a coloured box whose colour is one
 * per-token signal (advantage, log-probs, entropy, importance ratio, clipping, Token Hidden Reward).
 * {@link org.grpowb.desktop.inspector.InspectorModel} holds the choice and computes the colours, and opens each step on
 * a group worth reading ({@link org.grpowb.desktop.inspector.GroupSummary}: flipped, else mixed);
 * {@link org.grpowb.desktop.inspector.InspectorView} draws only the rollout rows in view, each on its own canvas.
 */
package org.grpowb.desktop.inspector;
