/**
 * What every decoder-only model adapter needs to sample and score in batches, independent of its architecture: rows
 * of different lengths laid out in one batch, the key/value cache, the next-token sampler, the rows decoded so far, and
 * the unembedding and softmax taken a chunk of positions at a time, with their exact gradients, so that no batch ×
 * length × vocabulary array is made.
 */
package org.grpowb.decoding;
