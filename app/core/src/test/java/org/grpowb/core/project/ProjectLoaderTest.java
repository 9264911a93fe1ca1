package org.grpowb.core.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoaderTest {

    private final ProjectLoader loader = new ProjectLoader(PluginRegistry.discover());

    @TempDir
    Path dir;

    private Path project(String yaml) {
        return TestProjects.write(dir, yaml);
    }

    @Test
    void loadsAValidProjectWithDefaultsFilledIn() {
        Project p = loader.load(project(TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(4, ""))));
        assertEquals("tiny", p.name());
        assertEquals(200, p.data().train().size());
        assertEquals(40, p.data().eval().size());
        assertEquals(4, p.training().sampling().groupSize());
        assertEquals(0.02, p.variant().settings().number("beta"));
        assertEquals(0.2, p.variant().settings().number("epsilon"), "declared default fills the gap");
        assertEquals("grpo", p.resolvedConfig().path("variant").path("name").asText());
    }

    @Test
    void overridesApplyAndAreValidated() {
        Path d = project(TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT, TestProjects.training(4, "")));
        Project p = loader.load(d, Map.of("training.steps", 9, "training.group_size", 2));
        assertEquals(9, p.training().schedule().steps());
        assertEquals(2, p.training().sampling().groupSize());
        var e = assertThrows(ProjectException.class, () -> loader.load(d, Map.of("training.group_size", 1)));
        assertTrue(e.getMessage().contains("group_size"), e.getMessage());
    }

    @Test
    void aRewardWeightIsOverriddenByItsIndexAndAMissingItemIsAClearError() {
        Path d = project(TestProjects.tinyYaml(TestProjects.GRPO,
                "rewards:\n  - {name: exact_answer, weight: 1.0}\n  - {name: answer_format, weight: 0.1}\n",
                TestProjects.training(4, "")));
        Project p = loader.load(d, Map.of("rewards.1.weight", 0.25));
        assertEquals(1.0, p.rewards().get(0).weight());
        assertEquals(0.25, p.rewards().get(1).weight());
        assertEquals(0.25, p.resolvedConfig().path("rewards").get(1).path("weight").asDouble());
        var missing = assertThrows(ProjectException.class, () -> loader.load(d, Map.of("rewards.2.weight", 0.5)));
        assertEquals("rewards.2.weight", missing.field());
        assertTrue(missing.getMessage().contains("no item 2 (it has 2)"), missing.getMessage());
        var notIndex = assertThrows(ProjectException.class, () -> loader.load(d, Map.of("rewards.x.weight", 0.5)));
        assertTrue(notIndex.getMessage().contains("'x' is not a list index"), notIndex.getMessage());
    }

    @Test
    void sftFromNamesAModelFolderRelativeToTheProject() {
        String yaml = TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT, TestProjects.training(4, ""));
        Path d = project(yaml);
        assertEquals(null, loader.load(d).sft().from(), "no sft.from: the warm start begins from random weights");
        Project p = loader.load(d, Map.of("sft.from", "models/random-init"));
        assertEquals(d.toAbsolutePath().resolve("models/random-init").normalize(), p.sft().from());
        assertEquals(60, p.sft().steps(), "the declared settings still read beside it");
        assertEquals("models/random-init", p.resolvedConfig().path("sft").path("from").asText());
        var e = assertThrows(ProjectException.class, () -> loader.load(d, Map.of("sft.from", 3)));
        assertEquals("sft.from", e.field());
        assertTrue(e.getMessage().contains("must name a model folder"), e.getMessage());
    }

    @Test
    void malformedYamlNamesTheFileAndLine() {
        Path d = project("name: x\ndata: {train: train.jsonl\nmodel: [\n");
        var e = assertThrows(ProjectException.class, () -> loader.load(d));
        assertTrue(e.getMessage().startsWith(d.resolve("project.yaml").toString()), e.getMessage());
        assertTrue(e.line() > 0, e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void unknownVariantListsTheKnownOnesAtItsLine() {
        String yaml = TestProjects.tinyYaml("variant:\n  name: grpoo\n", TestProjects.EXACT, TestProjects.training(4, ""));
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("variant.name", e.field());
        assertEquals(lineOf(yaml, "name: grpoo"), e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("known variants: ") && e.getMessage().contains("grpo"), e.getMessage());
    }

    @Test
    void unknownRewardListsTheKnownOnes() {
        String yaml = TestProjects.tinyYaml(TestProjects.GRPO, "rewards:\n  - {name: exact, weight: 1}\n",
                TestProjects.training(4, ""));
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("rewards.0.name", e.field());
        assertTrue(e.getMessage().contains("known rewards: ") && e.getMessage().contains("exact_answer"), e.getMessage());
    }

    @Test
    void outOfBoundsSettingNamesFieldLineAndBounds() {
        String yaml = TestProjects.tinyYaml("variant:\n  name: grpo\n  settings:\n    epsilon: -3\n", TestProjects.EXACT,
                TestProjects.training(4, ""));
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("variant.settings.epsilon", e.field());
        assertEquals(lineOf(yaml, "epsilon: -3"), e.line());
        assertTrue(e.getMessage().contains("[0, 10]"), e.getMessage());
    }

    @Test
    void aVariantThatReadsOneAdvantagePerSequenceRefusesPerTokenAdvantagesAtTheirLine() {
        String yaml = TestProjects.tinyYaml("variant: {name: test_sequence_only}\n", TestProjects.EXACT,
                "training:\n  steps: 4\n  thr_reweight: 0.5\n");
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("training.thr_reweight", e.field());
        assertEquals(lineOf(yaml, "thr_reweight: 0.5"), e.line());
        assertTrue(e.getMessage().contains("test_sequence_only") && e.getMessage().contains("per-token"), e.getMessage());
        var entropy = assertThrows(ProjectException.class, () -> loader.load(dir, Map.of("training.thr_reweight", 0,
                "training.top_entropy_quantile", 0.2)));
        assertEquals("training.top_entropy_quantile", entropy.field());
        var dominant = assertThrows(ProjectException.class, () -> loader.load(dir, Map.of("training.thr_reweight", 0,
                "training.thr_mode", "dominant_only")));
        assertEquals("training.thr_mode", dominant.field());
        // plain training is fine, and a token-level variant takes the same settings
        assertEquals(0.0, loader.load(dir, Map.of("training.thr_reweight", 0)).training().signals().thrReweight());
        assertEquals(0.5, loader.load(dir, Map.of("variant.name", "grpo")).training().signals().thrReweight());
    }

    @Test
    void unknownSettingIsRefused() {
        String yaml = TestProjects.tinyYaml("variant: {name: grpo, settings: {betta: 0.1}}\n", TestProjects.EXACT,
                TestProjects.training(4, ""));
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("variant.settings.betta", e.field());
        assertTrue(e.getMessage().contains("unknown setting"), e.getMessage());
    }

    @Test
    void malformedDataLineNamesFileLineAndField() throws Exception {
        Path d = project(TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT, TestProjects.training(4, "")));
        var lines = new java.util.ArrayList<>(Files.readAllLines(d.resolve("train.jsonl")));
        lines.set(6, "{\"id\":\"x\",\"prompt\":\"1+1=\"}");
        lines.set(9, "{not json");
        Files.write(d.resolve("train.jsonl"), lines);
        var e = assertThrows(ProjectException.class, () -> loader.load(d));
        assertEquals(d.resolve("train.jsonl"), e.file());
        assertEquals(7, e.line());
        assertEquals("answer", e.field());
        assertTrue(e.getMessage().contains("train.jsonl:7: field 'answer': is missing"), e.getMessage());

        lines.set(6, "{\"id\":\"x\",\"prompt\":\"1+1=\",\"answer\":\"2\"}");
        Files.write(d.resolve("train.jsonl"), lines);
        var e2 = assertThrows(ProjectException.class, () -> loader.load(d));
        assertEquals(10, e2.line());
        assertTrue(e2.getMessage().contains("not valid JSON"), e2.getMessage());
    }

    @Test
    void missingDataFileIsNamed() {
        String yaml = TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT, TestProjects.training(4, ""))
                .replace("eval: eval.jsonl", "eval: nowhere.jsonl");
        var e = assertThrows(ProjectException.class, () -> loader.load(project(yaml)));
        assertEquals("data.eval", e.field());
        assertTrue(e.getMessage().contains("nowhere.jsonl"), e.getMessage());
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }
}
