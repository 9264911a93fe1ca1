/**
 * Text for Hugging Face decoder models: {@link org.grpowb.hf.text.HfTokenizerCodec} encodes and decodes exactly as
 * the model folder's {@code tokenizer.json} does (through DJL's binding of the Rust tokenizers library),
 * {@link org.grpowb.hf.text.ChatTemplate} renders {@code tokenizer_config.json}'s Jinja chat template as transformers'
 * {@code apply_chat_template} does, and {@link org.grpowb.hf.text.PromptFormat} turns an example's prompt into the
 * string to encode, chat or raw, with exactly one BOS. {@link org.grpowb.hf.text.ByteLevelBpeTrainer} makes such a
 * tokenizer from text: a byte-level BPE in Qwen2's layout with the ChatML tokens and template.
 */
package org.grpowb.hf.text;
