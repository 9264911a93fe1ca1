/**
 * The Llama-family decoder on DJL NDArrays: the forward pass, rotary embedding and key/value cache that the
 * {@code hf-causal-lm} policy trains and samples with, and its LoRA adapters (frozen base, trained A and B, saved in
 * PEFT's adapter folder layout).
 */
package org.grpowb.hf.model;
