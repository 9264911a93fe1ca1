package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler.Candidate;
import org.junit.jupiter.api.Test;

class CurriculumStagesTest {

    private final List<Example> data = List.of(
            Rounds.example("a", "level", "1", "tags", "algebra, proof"),
            Rounds.example("b", "level", "2", "tags", "[\"geometry\", \"proof\"]"),
            Rounds.example("c", "level", "3", "tags", "[counting]"),
            Rounds.example("d"));

    private static List<String> ids(List<Candidate> cs) {
        return cs.stream().map(c -> c.example().id()).toList();
    }

    @Test
    void aFilterAllowsListedValuesAndTagsMatchAnyTag() {
        var c = new Curriculum(List.of(
                new Stage("easy", Map.of("level", List.of("1", "2")), null, null, new Advance.AfterSteps(1)),
                new Stage("proofs", Map.of("tags", List.of("proof")), null, null, new Advance.AfterSteps(1)),
                new Stage("counting", Map.of("tags", List.of("counting"), "level", List.of("3")), null, null,
                        new Advance.AfterSteps(1)),
                Stage.all()));
        assertEquals(List.of("a", "b"), ids(c.candidates(0, data)));
        assertEquals(List.of("a", "b"), ids(c.candidates(1, data)), "comma-separated and JSON-array tags");
        assertEquals(List.of("c"), ids(c.candidates(2, data)), "every field must match; a bracketed non-JSON list too");
        assertEquals(List.of("a", "b", "c", "d"), ids(c.candidates(3, data)), "no filter: everything, in data order");
    }

    @Test
    void weightsComeFromTheRule() {
        var stage = new Stage("weighted", Map.of(), new WeightRule("level", Map.of("2", 2.0, "3", 4.0), 0.5), null,
                new Advance.Never());
        var cs = new Curriculum(List.of(stage)).candidates(0, data);
        assertEquals(List.of(0.5, 2.0, 4.0, 0.5), cs.stream().map(Candidate::weight).toList());
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0),
                Curriculum.single().candidates(0, data).stream().map(Candidate::weight).toList());
    }

    @Test
    void anEmptyStageIsAnErrorNamingItAndItsFilter() {
        var c = new Curriculum(List.of(new Stage("olympiad", Map.of("level", List.of("9")), null, null,
                new Advance.Never())));
        var e = assertThrows(IllegalArgumentException.class, () -> c.candidates(0, data));
        assertTrue(e.getMessage().contains("'olympiad'") && e.getMessage().contains("{level=[9]}"), e.getMessage());
    }
}
