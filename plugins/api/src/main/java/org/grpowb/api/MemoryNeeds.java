package org.grpowb.api;

/**
 * What a model will need in memory, told before its weights are loaded, so that a run that cannot fit is refused
 * with an estimate instead of dying half-way through a step.
 *
 * @param parameters              every weight, in float32 on the device (4 bytes each)
 * @param trainableParameters     those with gradients and Adam moments (12 more bytes each: gradient, m, v)
 * @param referenceSharesWeights  the frozen reference policy needs no copy of the weights (LoRA: the adapter off)
 * @param activationBytesPerToken what one token of a training micro-batch keeps on the gradient tape, at the model's
 *                                context (attention's scores grow with it)
 * @param kvCacheBytesPerToken    what one token of one sampled row holds in the key/value cache
 * @param context                 the longest prompt + completion a row can have, in tokens
 */
public record MemoryNeeds(long parameters, long trainableParameters, boolean referenceSharesWeights,
                          long activationBytesPerToken, long kvCacheBytesPerToken, int context) {
}
