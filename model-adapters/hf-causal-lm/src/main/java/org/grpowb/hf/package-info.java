/**
 * Hugging Face decoder-only causal language models (Llama 3.x, Qwen2/2.5, SmolLM2, Mistral) as workbench policies,
 * read from and written back to a local model folder in transformers' own layout: {@code config.json},
 * safetensors weights, {@code tokenizer.json} and {@code tokenizer_config.json}.
 */
package org.grpowb.hf;
