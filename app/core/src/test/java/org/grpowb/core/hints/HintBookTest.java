package org.grpowb.core.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.core.project.Dataset;
import org.grpowb.core.project.ProjectException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintBookTest {

    @TempDir
    Path dir;

    private List<Example> examples;

    /** Read through the real Dataset, so the hints arrive as Dataset hands them over (the array's JSON text). */
    @BeforeEach
    void data() throws IOException {
        Path data = dir.resolve("train.jsonl");
        Files.write(data, List.of(
                "{\"id\": \"a\", \"prompt\": \"14-2=\", \"answer\": \"12\", \"hints\": [\"Take away.\", \"One step.\"]}",
                "{\"id\": \"b\", \"prompt\": \"3+4=\", \"answer\": \"7\"}",
                "{\"id\": \"c\", \"prompt\": \"5+5=\", \"answer\": \"10\", \"hints\": []}"));
        examples = Dataset.readJsonl(data, "train", "train");
    }

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("hints.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void tiersFromTheDataLines() {
        HintBook book = HintBook.of(examples);
        assertEquals(List.of("Take away.", "One step."), book.hints("a"));
        assertEquals(2, book.tiers("a"));
        assertEquals(0, book.tiers("b"));
        assertEquals(0, book.tiers("c"));
        assertEquals(0, book.tiers("not-in-the-data"));
    }

    @Test
    void theFileOverridesTheDataLineForItsIds() throws IOException {
        HintBook book = HintBook.of(examples).withFile(file(
                "{\"id\": \"b\", \"hints\": [\"Add.\", \"Count on from 3.\", \"3 and 4 more.\"]}",
                "",
                "{\"id\": \"a\", \"hints\": []}"));
        assertEquals(3, book.tiers("b"));
        assertEquals(List.of("Add.", "Count on from 3.", "3 and 4 more."), book.hints("b"));
        // an empty list in the file takes the data line's hints away
        assertEquals(0, book.tiers("a"));
    }

    @Test
    void aDataLineWithBadHintsIsRefusedByItsId() {
        Example bad = new Example("x", "1+1=", "2", Map.of("hints", "[\"ok\", 3]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HintBook.of(List.of(bad)));
        assertEquals("example 'x': field 'hints': must be an array of strings, item 1 is NUMBER", e.getMessage());
        Example text = new Example("y", "1+1=", "2", Map.of("hints", "just a sentence"));
        e = assertThrows(IllegalArgumentException.class, () -> HintBook.of(List.of(text)));
        assertEquals("example 'y': field 'hints': must be a JSON array of strings, got 'just a sentence'",
                e.getMessage());
    }

    @Test
    void fileErrorsNameTheFileLineAndField() throws IOException {
        HintBook book = HintBook.of(examples);
        String ok = "{\"id\": \"a\", \"hints\": [\"x\"]}";
        assertFileError(book, "%s:2: not valid JSON", ok, "{\"id\": \"b\", \"hints\": [}");
        assertFileError(book, "%s:1: field 'id': is missing", "{\"hints\": [\"x\"]}");
        assertFileError(book, "%s:2: field 'hints': must be an array of strings, got STRING", ok,
                "{\"id\": \"b\", \"hints\": \"x\"}");
        assertFileError(book, "%s:1: field 'hints': must be an array of strings, item 0 is OBJECT",
                "{\"id\": \"b\", \"hints\": [{}]}");
        assertFileError(book, "%s:1: field 'hints': is missing", "{\"id\": \"b\"}");
        assertFileError(book, "%s:3: field 'id': 'zz' is not an id of the data", ok, "",
                "{\"id\": \"zz\", \"hints\": [\"x\"]}");
        assertFileError(book, "%s:2: field 'id': 'a' already given on line 1", ok, ok);
        assertFileError(book, "%s:1: field 'hint': unknown field; known: [hints, id]",
                "{\"id\": \"a\", \"hint\": [\"x\"]}");
        assertFileError(book, "%s:1: expected a JSON object, got ARRAY", "[\"a\"]");
    }

    private void assertFileError(HintBook book, String expected, String... lines) throws IOException {
        Path f = file(lines);
        ProjectException e = assertThrows(ProjectException.class, () -> book.withFile(f));
        String want = String.format(expected, f);
        assertEquals(want, e.getMessage().substring(0, Math.min(want.length(), e.getMessage().length())),
                e.getMessage());
    }

    @Test
    void liveEditsAreImmutableUpdatesAndRefuseUnknownIds() {
        HintBook before = HintBook.of(examples);
        HintBook after = before.withHints("b", List.of("Add."));
        assertEquals(0, before.tiers("b"));
        assertEquals(List.of("Add."), after.hints("b"));
        HintBook both = after.withAll(Map.of("a", List.of("Minus."), "c", List.of("Double 5.")));
        assertEquals(List.of("Minus."), both.hints("a"));
        assertEquals(List.of("Double 5."), both.hints("c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> before.withHints("zz", List.of("x")));
        assertEquals("'zz' is not an id of the data", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> before.withHints("a", List.of(" ")));
        assertEquals("hints of 'a': a hint is blank", e.getMessage());
    }

    /** Saved edits, sorted by id, read back onto the data give the edited book. */
    @Test
    void writeFileRoundTrips() throws IOException {
        HintBook edited = HintBook.of(examples)
                .withHints("c", List.of("Double 5.", "Say \"ten\"."))
                .withHints("a", List.of());
        Path f = dir.resolve("saved.jsonl");
        edited.writeFile(f);
        assertEquals(List.of("{\"id\":\"a\",\"hints\":[]}", "{\"id\":\"c\",\"hints\":[\"Double 5.\",\"Say \\\"ten\\\".\"]}"),
                Files.readAllLines(f));
        HintBook read = HintBook.of(examples).withFile(f);
        assertEquals(edited, read);
        assertEquals(List.of("Double 5.", "Say \"ten\"."), read.hints("c"));
        assertEquals(0, read.tiers("a"));
    }

    /** The word-problems sample as shipped: three tiers for every problem, the first step of train-2-0 worked out. */
    @Test
    void theWordProblemsSampleHasThreeTiersForEveryProblem() {
        List<Example> train = Dataset.readJsonl(Path.of("../../sample-projects/word-problems/data/train.jsonl"),
                "train", "train");
        HintBook book = HintBook.of(train);
        assertEquals(6000, train.size());
        for (Example e : train) {
            assertEquals(3, book.tiers(e.id()), e.id());
        }
        Example second = train.get(1);
        assertEquals("train-2-0", second.id());
        assertEquals("medium", second.fields().get("difficulty"));
        assertEquals("Hint: More adds, else take away. In order. 3+9=12.\n" + second.prompt(),
                HintedPrompt.render(second.prompt(), book.hints(second.id()), 3, HintedPrompt.DEFAULT_TEMPLATE));
    }
}
