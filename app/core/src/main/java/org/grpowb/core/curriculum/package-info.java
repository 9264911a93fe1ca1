/**
 * Which prompts a step trains on and how many rollouts each gets: the built-in
 * {@link org.grpowb.api.PromptSampler}s (epoch walk, DAPO's dynamic sampling, staged weights, MMR1's variance-aware
 * sampling, prompt- and rollout-GDRO), the curriculum model (stages, their filters, weights and advance rules, parsed
 * from {@code project.yaml}) and the Train Long, Think Short length budget. Everything here is a pure function of its
 * inputs and the state a sampler checkpoints, so a resumed run draws what the uninterrupted one would have.
 */
package org.grpowb.core.curriculum;
