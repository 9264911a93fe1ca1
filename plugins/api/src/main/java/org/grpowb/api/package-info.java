/**
 * The extension points of GRPO Workbench: reward functions, group-advantage estimators, policy losses,
 * the variants that pair them, and policy models. Each is a small interface found with
 * {@link java.util.ServiceLoader} and chosen by name in {@code project.yaml}; data crosses them as immutable records.
 */
package org.grpowb.api;
