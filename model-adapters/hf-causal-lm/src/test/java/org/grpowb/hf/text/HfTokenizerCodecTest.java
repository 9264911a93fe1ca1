package org.grpowb.hf.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.grpowb.api.TokenCodec.TokenRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-made byte-level BPE of {@code text/tiny-byte-bpe}: ids 0..255 are the 256 bytes (written in GPT-2's byte
 * alphabet, id = byte value), 256..264 nine merges ({@code he}, {@code ll}, {@code hell}, {@code hello}, {@code Ġw},
 * {@code or}, {@code Ġwor}, {@code âĤ} = the first two bytes E2 82 of "€", {@code ĊĊ} = two newlines), 265..271
 * special added tokens ({@code <|endoftext|> <|im_start|> <|im_end|> <|begin_of_text|> <|start_header_id|>
 * <|end_header_id|> <|eot_id|>}) and 272 the non-special added token "✓". Its post-processor prepends
 * {@code <|begin_of_text|>} as Llama 3's does; its {@code tokenizer_config.json} says eos {@code <|im_end|>} and
 * {@code model_max_length: 4}; {@code generation_config.json} lists eos ids 267 and 265. Goldens follow the merge
 * ranks by hand.
 */
class HfTokenizerCodecTest {

    static final int HELLO = 259;
    static final int SPACE_WOR = 262;
    static final int EURO_HEAD = 263; // E2 82
    static final int EURO_TAIL = 0xAC; // '¬' stands for byte AC
    static final int IM_START = 266;
    static final int IM_END = 267;
    static final int ENDOFTEXT = 265;
    static final int BEGIN_OF_TEXT = 268;
    static final int CHECK_MARK = 272;

    static Path tinyDir;
    static HfTokenizerCodec codec;

    @BeforeAll
    static void load() throws IOException {
        tinyDir = resource("text/tiny-byte-bpe");
        codec = HfTokenizerCodec.load(tinyDir);
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    static Path resource(String name) {
        try {
            return Path.of(HfTokenizerCodecTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void encodesAsTheMergeRanksSay() {
        // "hello" merges h+e, l+l, he+ll, hell+o; " world" is Ġ w o r l d: Ġ+w (rank 4), o+r (5), Ġw+or (6)
        assertArrayEquals(new int[] {HELLO, SPACE_WOR, 'l', 'd'}, codec.encode("hello world"));
        // "€" is E2 82 AC = â Ĥ ¬; â+Ĥ is a merge, so the character is split across two tokens
        assertArrayEquals(new int[] {EURO_HEAD, EURO_TAIL, '5'}, codec.encode("€5"));
        // added tokens are matched in the text, special or not
        assertArrayEquals(new int[] {IM_START, 'u', 's', 'e', 'r', '\n', 'h', 'i', IM_END},
                codec.encode("<|im_start|>user\nhi<|im_end|>"));
        // trailing whitespace is one pre-token (GPT-2 regex \s+(?!\S)): Ċ Ċ Ċ, then Ċ+Ċ
        assertArrayEquals(new int[] {264, '\n'}, codec.encode("\n\n\n"));
        assertArrayEquals(new int[] {CHECK_MARK, ' ', 'o', 'k'}, codec.encode("✓ ok"));
    }

    @Test
    void addsNoSpecialTokenAndNeitherTruncatesNorPads() {
        // the post-processor would prepend <|begin_of_text|> (268): a BOS written in the text must stay the only one
        assertArrayEquals(new int[] {BEGIN_OF_TEXT, HELLO}, codec.encode("<|begin_of_text|>hello"));
        assertEquals("<|begin_of_text|>", codec.bosPrefix());
        assertEquals("<|begin_of_text|>", codec.bosToken().orElseThrow());
        // tokenizer_config.json says model_max_length 4 and pad <|endoftext|>; neither applies
        // hello | Ġwor l d | , | Ġ hello | Ġwor l d: there is no Ġh merge
        assertEquals(10, codec.encode("hello world, hello world").length);
        assertEquals(0, codec.encode("").length);
    }

    @Test
    void decodeJoinsBytesSoASplitCharacterComesOutWhole() {
        assertEquals("€5", codec.decode(new int[] {EURO_HEAD, EURO_TAIL, '5'}));
        // joining per-token strings instead would have turned each half into a replacement character
        StringBuilder perToken = new StringBuilder();
        for (int id : new int[] {EURO_HEAD, EURO_TAIL, '5'}) {
            perToken.append(new String(codec.tokenBytes(id), StandardCharsets.UTF_8));
        }
        assertEquals("\uFFFD\uFFFD5", perToken.toString());
        // a lone half character is replaced, not thrown
        assertEquals("\uFFFD5", codec.decode(new int[] {EURO_HEAD, '5'}));
        assertEquals("\uFFFD", codec.decode(new int[] {EURO_HEAD}));
        assertEquals("hello world", codec.decode(codec.encode("hello world")));
    }

    @Test
    void tokenBytesOfHalfACharacter() {
        assertArrayEquals(new byte[] {(byte) 0xE2, (byte) 0x82}, codec.tokenBytes(EURO_HEAD));
        assertArrayEquals(new byte[] {(byte) 0xAC}, codec.tokenBytes(EURO_TAIL));
        assertEquals("<0xE2><0x82>", codec.tokenText(EURO_HEAD));
        assertArrayEquals(" wor".getBytes(StandardCharsets.UTF_8), codec.tokenBytes(SPACE_WOR));
        assertEquals(" wor", codec.tokenText(SPACE_WOR));
        assertArrayEquals("\n\n".getBytes(StandardCharsets.UTF_8), codec.tokenBytes(264));
        // "✓" is outside the byte alphabet: the Rust decoder falls back to the piece's own UTF-8
        assertArrayEquals("✓".getBytes(StandardCharsets.UTF_8), codec.tokenBytes(CHECK_MARK));
        assertEquals("<|im_end|>", codec.tokenText(IM_END));
        // the copy is the caller's
        codec.tokenBytes(EURO_HEAD)[0] = 0;
        assertEquals((byte) 0xE2, codec.tokenBytes(EURO_HEAD)[0]);
    }

    @Test
    void everyByteTokenIsItsByte() {
        for (int b = 0; b < 256; b++) {
            assertArrayEquals(new byte[] {(byte) b}, codec.tokenBytes(b), "byte token " + b);
        }
        // and through the Rust tokenizer: the bytes of the tokens of every character U+0000..U+00FF are its UTF-8
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 256; c++) {
            all.append(c);
        }
        int[] ids = codec.encode(all.toString());
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            joined.writeBytes(codec.tokenBytes(id));
        }
        assertArrayEquals(all.toString().getBytes(StandardCharsets.UTF_8), joined.toByteArray());
        assertEquals(all.toString(), codec.decode(ids));
    }

    @Test
    void decodeAgreesWithTheRustDecoder() throws IOException {
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tinyDir.resolve("tokenizer.json")).build()) {
            int[][] cases = {
                {EURO_HEAD, EURO_TAIL, '5'}, {EURO_HEAD, '5'}, {EURO_TAIL, EURO_HEAD}, {IM_START, HELLO, CHECK_MARK},
                {0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80}, {0xF0, 0x9F, 'a'}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0x80, 0xE0},
                {264, SPACE_WOR},
            };
            for (int[] ids : cases) {
                long[] longs = java.util.Arrays.stream(ids).asLongStream().toArray();
                assertEquals(rust.decode(longs, false), codec.decode(ids), java.util.Arrays.toString(ids));
            }
        }
    }

    @Test
    void stopIdsAreTheEosThenGenerationConfigThenExtras() throws IOException {
        assertEquals(273, codec.vocabSize());
        assertEquals(IM_END, codec.eosId());
        assertEquals("<|im_end|>", codec.eosToken());
        assertEquals(List.of(IM_END, ENDOFTEXT), codec.stopIds());
        try (HfTokenizerCodec more = HfTokenizerCodec.load(tinyDir, List.of(271, IM_END))) {
            assertEquals(List.of(IM_END, ENDOFTEXT, 271), more.stopIds());
        }
        // decode drops every stop id, wherever it is
        assertEquals("hello wor", codec.decode(new int[] {HELLO, ENDOFTEXT, SPACE_WOR, IM_END}));
        assertTrue(codec.isSpecial(IM_START));
        assertFalse(codec.isSpecial(CHECK_MARK));
        assertEquals(SPACE_WOR, codec.idOf("Ġwor").orElseThrow());
        assertEquals(IM_START, codec.idOf("<|im_start|>").orElseThrow());
    }

    @Test
    void charOffsetsGiveWhereEachTokenStarts() {
        // "hello €5": hello | Ġ | âĤ (E2 82) | ¬ (AC) | 5 ; the regex keeps " €" together, so Ġ is its own token
        int[] ids = codec.encode("hello €5");
        assertArrayEquals(new int[] {HELLO, ' ', EURO_HEAD, EURO_TAIL, '5'}, ids);
        // "€" (index 6) belongs to the token holding its first byte; the tail token starts after it
        assertArrayEquals(new int[] {0, 5, 6, 7, 7, 8}, codec.charOffsets(ids));
        // a search hit on "€" maps to both tokens that hold its bytes
        assertEquals(new TokenRange(2, 4), codec.tokensCovering(ids, 6, 7));
        assertEquals(new TokenRange(4, 5), codec.tokensCovering(ids, 7, 8));
        assertEquals(new TokenRange(0, 1), codec.tokensCovering(ids, 0, 5));
        assertEquals(new TokenRange(0, 2), codec.tokensCovering(ids, 3, 6));
        // stop ids span nothing
        assertArrayEquals(new int[] {0, 5, 5, 9}, codec.charOffsets(new int[] {HELLO, IM_END, SPACE_WOR}));
        assertThrows(IllegalArgumentException.class, () -> codec.tokensCovering(ids, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> codec.tokensCovering(ids, 0, 9));
    }

    @Test
    void charOffsetsCountUtf16UnitsOfCharactersOutsideTheBmp() {
        int[] ids = {0xF0, 0x9F, 0x98, 0x80, 'a'}; // U+1F600 is two UTF-16 units
        assertEquals("\uD83D\uDE00a", codec.decode(ids));
        assertArrayEquals(new int[] {0, 2, 2, 2, 2, 3}, codec.charOffsets(ids));
        assertEquals(new TokenRange(0, 4), codec.tokensCovering(ids, 0, 2));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.tokenBytes(273));
        assertTrue(e.getMessage().contains("273"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.decode(new int[] {-1}));
    }

    @Test
    void aFolderWithoutTokenizerJsonIsNamed(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> HfTokenizerCodec.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void anEosTokenOutsideTheVocabularyNamesFileAndKey(@TempDir Path dir) throws IOException {
        Files.copy(tinyDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
        IOException e = assertThrows(IOException.class, () -> HfTokenizerCodec.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json: eos_token \"<|nope|>\" is not in the vocabulary"),
                e.getMessage());
    }

    @Test
    void configsThatDisagreeWithTokenizerJsonAreRejected(@TempDir Path dir) throws IOException {
        Files.copy(tinyDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|im_end|>\"},"
                + " \"added_tokens_decoder\": {\"266\": {\"content\": \"<|im_end|>\"}}}");
        IOException e = assertThrows(IOException.class, () -> HfTokenizerCodec.load(dir));
        assertTrue(e.getMessage().contains("added_tokens_decoder.266"), e.getMessage());

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|im_end|>\"}}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [267, 151645]}");
        e = assertThrows(IOException.class, () -> HfTokenizerCodec.load(dir));
        assertTrue(e.getMessage().contains("stop id 151645") && e.getMessage().contains("eos_token_id"),
                e.getMessage());

        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 265}");
        try (HfTokenizerCodec c = HfTokenizerCodec.load(dir)) {
            assertEquals(List.of(IM_END, ENDOFTEXT), c.stopIds());
            assertTrue(c.bosToken().isEmpty());
        }
    }
}
