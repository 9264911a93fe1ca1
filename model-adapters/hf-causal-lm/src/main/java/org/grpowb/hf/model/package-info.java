/**
 * The Llama-family decoder on DJL NDArrays: the forward pass, rotary embedding and key/value cache that the
 * {@code hf-causal-lm} policy trains and samples with.
 */
package org.grpowb.hf.model;
