/**
 * The members of the GRPO family: group-advantage estimators, policy losses and the variants that pair them.
 * Estimators and losses are small reusable pieces ({@link org.grpowb.variants.GroupNormalizedAdvantage},
 * {@link org.grpowb.variants.ClippedTokenLoss}); a variant such as {@link org.grpowb.variants.Grpo} only declares its
 * settings and wires the pieces, so later variants reuse them with other options.
 */
package org.grpowb.variants;
