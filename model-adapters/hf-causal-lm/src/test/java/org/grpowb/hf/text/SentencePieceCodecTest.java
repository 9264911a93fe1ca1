package org.grpowb.hf.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.grpowb.hf.text.HfTokenizerCodecTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code text/tiny-sentencepiece}: a hand-made tokenizer laid out as Llama 2's and Mistral's are (prepend "▁",
 * spaces as "▁", BPE with byte fallback, decoder Replace ▁ → space, ByteFallback, Fuse, Strip one leading space).
 * Vocabulary: {@code <unk> <s> </s> <0x0A> <0xE2> <0x82> <0xAC> ▁ H i ▁H ▁Hi}; merges ▁+H, ▁H+i.
 */
class SentencePieceCodecTest {

    @Test
    void metaSpaceAndByteFallbackPieces() throws IOException {
        Path dir = resource("text/tiny-sentencepiece");
        try (HfTokenizerCodec codec = HfTokenizerCodec.load(dir);
             HuggingFaceTokenizer rust = HuggingFaceTokenizer.builder()
                     .optTokenizerPath(dir.resolve("tokenizer.json")).build()) {
            // "▁Hi" after the prepended ▁, then "\n" and "€" fall back to their bytes
            int[] ids = codec.encode("Hi\n€");
            assertArrayEquals(new int[] {11, 3, 4, 5, 6}, ids);
            assertArrayEquals(" Hi".getBytes(StandardCharsets.UTF_8), codec.tokenBytes(11));
            assertArrayEquals(new byte[] {0x0A}, codec.tokenBytes(3));
            assertArrayEquals(new byte[] {(byte) 0xE2}, codec.tokenBytes(4));
            // decoding keeps the space the Strip decoder drops at the start of a sequence: a completion continues
            // its prompt, and decode must stay concatenation
            long[] longs = java.util.Arrays.stream(ids).asLongStream().toArray();
            assertEquals("Hi\n€", rust.decode(longs, false));
            assertEquals(" Hi\n€", codec.decode(ids));
            assertArrayEquals(new int[] {0, 3, 4, 5, 5, 5}, codec.charOffsets(ids));
            // AddedToken objects in tokenizer_config.json; the post-processor's BOS is "<s>"
            assertEquals(2, codec.eosId());
            assertEquals(List.of(2), codec.stopIds());
            assertEquals("<s>", codec.bosPrefix());
            assertEquals("<s>", codec.bosToken().orElseThrow());
        }
    }

    @Test
    void pieceRule() {
        TokenizerJson.PieceRule rule = new TokenizerJson.MetaSpace('\u2581', true);
        assertArrayEquals("  a b".getBytes(StandardCharsets.UTF_8), rule.bytes("\u2581\u2581a\u2581b"));
        assertArrayEquals(new byte[] {(byte) 0xFF}, rule.bytes("<0xFF>"));
        assertArrayEquals("<0xZZ>".getBytes(StandardCharsets.UTF_8), rule.bytes("<0xZZ>"));
        assertArrayEquals("<0x0A>".getBytes(StandardCharsets.UTF_8),
                new TokenizerJson.MetaSpace('\u2581', false).bytes("<0x0A>"));
    }
}
