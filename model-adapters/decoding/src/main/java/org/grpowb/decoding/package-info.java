/**
 * What every decoder-only model adapter needs to sample and score in batches, independent of its architecture: the
 * key/value cache of the columns decoded so far.
 */
package org.grpowb.decoding;
