/**
 * Our own reader and writer of Hugging Face safetensors weights: one file memory-mapped in segments so that files
 * over 2 GiB and sharded checkpoints load (DJL's {@code NDList.decode} allows neither), with F16 and BF16 converted
 * to fp32 in Java because DJL's PyTorch engine cannot hold bf16. Everything in a file's header is checked when it is
 * opened, and every failure names the file, the tensor and the field.
 */
package org.grpowb.hf.safetensors;
