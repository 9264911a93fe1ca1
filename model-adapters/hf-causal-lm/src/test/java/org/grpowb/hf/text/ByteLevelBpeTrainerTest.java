package org.grpowb.hf.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.grpowb.hf.text.ByteLevelBpeTrainer.Merge;
import org.grpowb.hf.text.ByteLevelBpeTrainer.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BPE trainer on corpora whose pair counts can be followed by hand, and its folder loaded by the Rust tokenizers
 * library (through {@link HfTokenizerCodec}), which must apply the learned merges in their order.
 */
class ByteLevelBpeTrainerTest {

    @TempDir
    Path dir;

    /** "cat" ×4, "cab" ×3, "tab" ×2: one pre-token each (no space), so the counts are the words'. */
    private static ByteLevelBpeTrainer catsAndCabs() {
        ByteLevelBpeTrainer t = new ByteLevelBpeTrainer();
        for (int i = 0; i < 4; i++) {
            t.add("cat");
        }
        for (int i = 0; i < 3; i++) {
            t.add("cab");
        }
        t.add("tab").add("tab");
        return t;
    }

    @Test
    void mergesTheMostFrequentPairFirstAndBreaksTiesByThePieces() {
        // round 1: c·a 4+3 = 7, a·b 3+2 = 5, a·t 4, t·a 2            -> ca
        // round 2: ca·t 4, ca·b 3, t·a 2, a·b 2                       -> cat
        // round 3: ca·b 3, t·a 2, a·b 2                               -> cab
        // round 4: t·a 2 and a·b 2 tie; ("a","b") sorts before ("t","a") -> ab
        // round 5: t·ab 2                                              -> tab; no pair is left
        Vocabulary v = catsAndCabs().train(1000, 1);
        assertEquals(List.of(new Merge("c", "a"), new Merge("ca", "t"), new Merge("ca", "b"), new Merge("a", "b"),
                new Merge("t", "ab")), v.merges());
        assertEquals(256 + 5 + 3, v.size());
        assertEquals(256, v.pieces().get("ca"));
        assertEquals(260, v.pieces().get("tab"));
        assertEquals(261, v.specialId(ByteLevelBpeTrainer.END_OF_TEXT));
        assertEquals(263, v.specialId(ByteLevelBpeTrainer.IM_END));
    }

    @Test
    void stopsAtTheVocabularySizeOrBelowTheMinimumFrequency() {
        assertEquals(List.of(new Merge("c", "a"), new Merge("ca", "t")), catsAndCabs().train(256 + 2 + 3, 1).merges());
        // counts 7, 4, 3 reach 3; the next best pair occurs twice
        assertEquals(3, catsAndCabs().train(1000, 3).merges().size());
        assertThrows(IllegalArgumentException.class, () -> catsAndCabs().train(258, 1));
    }

    @Test
    void aMergeThatRemakesAnExistingPieceAddsNoId() {
        // ab·c and a·bc both make "abc": the second merge is kept (a pair the encoder may meet) but has no id of its own
        Vocabulary v = Vocabulary.of(List.of(new Merge("b", "c"), new Merge("a", "b"), new Merge("ab", "c"),
                new Merge("a", "bc")));
        assertEquals(259, v.pieces().size());
        assertEquals(258, v.pieces().get("abc"));
        assertEquals(259, v.specialId(ByteLevelBpeTrainer.END_OF_TEXT));
    }

    @Test
    void preTokensSplitWordsPunctuationAndEveryDigit() {
        assertEquals(List.of("Mia", " has", " ", "1", "2", " apples", ".", " She", "'s", " here", "?"),
                ByteLevelBpeTrainer.preTokens("Mia has 12 apples. She's here?"));
        assertEquals(List.of("a", "\n", "b", "  ", " c"), ByteLevelBpeTrainer.preTokens("a\nb   c"));
    }

    @Test
    void theRustLibraryAppliesTheMergesInTheirOrder() throws IOException {
        catsAndCabs().train(1000, 1).write(dir);
        try (HfTokenizerCodec codec = HfTokenizerCodec.load(dir)) {
            assertArrayEquals(new int[] {257}, codec.encode("cat"));
            assertArrayEquals(new int[] {260}, codec.encode("tab"));
            // c a b c a t: rank 0 gives ca b ca t, rank 1 ca b cat, rank 2 cab cat
            assertArrayEquals(new int[] {258, 257}, codec.encode("cabcat"));
            // no merge joins b·a or a·t on their own
            assertArrayEquals(new int[] {'b', 'a', 't'}, codec.encode("bat"));
            // the space is its own byte: Ġ·c was never learned
            assertArrayEquals(new int[] {' ', 257}, codec.encode(" cat"));
            assertEquals(263, codec.eosId());
            assertTrue(codec.bosToken().isEmpty());
            assertEquals("", codec.bosPrefix());
            assertTrue(codec.isSpecial(262));
            assertArrayEquals(new int[] {262, 'u', 's', 'e', 'r', '\n', 257, 263}, codec.encode("<|im_start|>user\ncat<|im_end|>"));
        }
    }

    @Test
    void digitsStayOneTokenEachHoweverOftenANumberRecurs() throws IOException {
        ByteLevelBpeTrainer t = new ByteLevelBpeTrainer();
        for (int i = 0; i < 50; i++) {
            t.add("12 apples and 12 pears");
        }
        Vocabulary v = t.train(400, 2);
        assertFalse(v.pieces().containsKey("12"));
        v.write(dir);
        try (HfTokenizerCodec codec = HfTokenizerCodec.load(dir)) {
            assertArrayEquals(new int[] {'1', '2'}, codec.encode("12"));
            int[] spaced = codec.encode(" 12");
            assertArrayEquals(new int[] {' ', '1', '2'}, spaced);
            // the corpus's words did merge: " apples" is one token
            assertEquals(1, codec.encode(" apples").length);
        }
    }

    @Test
    void anyTextRoundTripsIncludingCharactersNeverSeen() throws IOException {
        catsAndCabs().train(1000, 1).write(dir);
        try (HfTokenizerCodec codec = HfTokenizerCodec.load(dir)) {
            for (String s : List.of("cat", "Zoë hat 7 Äpfel — 3€ 🙂\n\tend  ", "日本語のテキスト", "a\r\n\r\nb", " ",
                    "<|im_start|>", "tab's cab'll")) {
                assertEquals(s, codec.decode(codec.encode(s)), s);
            }
            // stop ids decode to nothing: the eos written in a text ends a completion
            assertEquals("cat", codec.decode(codec.encode("cat<|im_end|>")));
        }
    }

    @Test
    void theChatTemplateIsChatMlWithoutASystemTurn() throws IOException {
        catsAndCabs().train(1000, 1).write(dir);
        ChatTemplate template = ChatTemplate.fromModelFolder(dir, LocalDateTime.of(2024, 7, 26, 0, 0)).orElseThrow();
        assertEquals("<|im_start|>user\ncat?<|im_end|>\n<|im_start|>assistant\n",
                template.render(List.of(ChatMessage.user("cat?")), true));
        assertEquals(ByteLevelBpeTrainer.chatExchange("cat?", "tab"),
                template.render(List.of(ChatMessage.user("cat?"), ChatMessage.assistant("tab")), false));
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("<|im_end|>", config.path("eos_token").asText());
        assertTrue(config.path("bos_token").isNull());
    }

    @Test
    void specialTokensInTheCorpusNeverMerge() {
        ByteLevelBpeTrainer t = new ByteLevelBpeTrainer();
        for (int i = 0; i < 10; i++) {
            t.add(ByteLevelBpeTrainer.chatExchange("cat", "cab"));
        }
        for (Merge m : t.train(1000, 2).merges()) {
            assertFalse(m.merged().contains("|"), m.toString());
        }
    }
}
