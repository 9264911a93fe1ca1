/**
 * A plain-Java double-precision forward pass of the Llama/Qwen2 decoder, written from the maths as the oracle for the
 * faster implementations, and the tiny deterministic models its golden logits were computed on (with an independent
 * numpy forward, {@code src/test/resources/reference/llama_forward.py}).
 */
package org.grpowb.hf.reference;
