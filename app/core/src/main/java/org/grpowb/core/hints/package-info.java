/**
 * In-prompt hints (Scaf-GRPO's tiered scaffolding): each problem's tiers of hints ({@link org.grpowb.core.hints.HintBook}),
 * how a tier is written into the prompt ({@link org.grpowb.core.hints.HintedPrompt}), the built-in
 * {@link org.grpowb.api.HintPolicy} implementations that choose a tier from a prompt's history, and the
 * {@code hints:} section of {@code project.yaml} ({@link org.grpowb.core.hints.HintsConfig}). Hints change only the
 * prompt a group is sampled with; rewards and evaluation never see them.
 */
package org.grpowb.core.hints;
