/**
 * What every decoder-only model adapter needs to sample and score in batches, independent of its architecture: rows
 * of different lengths laid out in one batch, the key/value cache, the next-token sampler and the rows decoded so far.
 */
package org.grpowb.decoding;
