package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurriculumConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String EXAMPLE = """
            curriculum:
              sampler: staged
              sampler_settings: {}
              length_budget: {from: 64, to: 16}
              stages:
                - {name: easy, filter: {level: ["1"]}, advance: {after_steps: 40}}
                - {name: medium, filter: {level: ["1","2"]}, weights: {field: level, values: {"2": 2.0}, otherwise: 1.0}, max_new_tokens: 6, advance: {metric: accuracy, above: 0.6, window: 5}}
                - {name: all}
            """;

    private static JsonNode section(String yaml) throws Exception {
        return YAML.readTree(yaml).get("curriculum");
    }

    private static CurriculumFormatException refused(String yaml) throws Exception {
        JsonNode node = section(yaml);
        return assertThrows(CurriculumFormatException.class, () -> CurriculumConfig.parse(node, "project.yaml"));
    }

    @Test
    void readsTheDocumentedShape() throws Exception {
        CurriculumConfig c = CurriculumConfig.parse(section(EXAMPLE), "project.yaml");
        assertEquals("staged", c.sampler());
        assertEquals(new LengthBudget(64, 16), c.lengthBudget());
        assertEquals(new Curriculum(List.of(
                new Stage("easy", Map.of("level", List.of("1")), null, null, new Advance.AfterSteps(40)),
                new Stage("medium", Map.of("level", List.of("1", "2")), new WeightRule("level", Map.of("2", 2.0), 1.0), 6,
                        new Advance.OnMetric("accuracy", true, 0.6, 5)),
                new Stage("all", Map.of(), null, null, new Advance.Never()))), c.curriculum());
    }

    @Test
    void toJsonRoundTrips() throws Exception {
        CurriculumConfig c = CurriculumConfig.parse(section(EXAMPLE), "project.yaml");
        assertEquals(c, CurriculumConfig.parse(c.toJson(), "edit log"));
        CurriculumConfig gdro = CurriculumConfig.parse(section("""
                curriculum:
                  sampler: prompt_gdro
                  sampler_settings: {eta: 0.25, group_by: source}
                  stages:
                    - {name: warm, filter: {tags: [algebra]}, advance: {metric: zero_adv_frac, below: 0.3}}
                    - {name: all}
                """), "project.yaml");
        assertEquals(Map.of("eta", 0.25, "group_by", "source"), gdro.samplerSettings());
        assertEquals(new Advance.OnMetric("zero_adv_frac", false, 0.3, CurriculumConfig.DEFAULT_WINDOW),
                gdro.curriculum().stages().get(0).advance());
        assertEquals(gdro, CurriculumConfig.parse(gdro.toJson(), "edit log"));
        assertEquals(CurriculumConfig.none(), CurriculumConfig.parse(CurriculumConfig.none().toJson(), "edit log"));
    }

    @Test
    void withoutStagesOneStageAllowsEverything() throws Exception {
        CurriculumConfig c = CurriculumConfig.parse(section("curriculum: {sampler: dynamic, sampler_settings: {max_resample_rounds: 2}}"), "p");
        assertEquals(Curriculum.single(), c.curriculum());
        assertNull(c.lengthBudget());
        assertEquals(CurriculumConfig.none(), CurriculumConfig.parse(null, "p"));
        assertEquals("uniform", CurriculumConfig.parse(section("curriculum: {}"), "p").sampler());
    }

    @Test
    void anUnknownKeyIsRefusedAtItsPath() throws Exception {
        var e = refused("""
                curriculum:
                  stages:
                    - {name: easy, advance: {after_steps: 4}}
                    - {name: medium, advance: {metric: accuracy, abvoe: 0.6}}
                    - {name: all}
                """);
        assertEquals("project.yaml: /curriculum/stages/1/advance: unknown key 'abvoe'; known: above, after_steps, "
                + "below, metric, window", e.getMessage());
        assertEquals("/curriculum/stages/1/advance", e.pointer());
        assertTrue(refused("curriculum: {sampler: uniform, stage: []}").getMessage()
                .startsWith("project.yaml: /curriculum: unknown key 'stage'"));
    }

    @Test
    void badValuesAreRefusedAtTheirPath() throws Exception {
        assertEquals("/curriculum/stages/0/advance/metric", refused("""
                curriculum: {stages: [{name: a, advance: {metric: loss, above: 1}}, {name: b}]}""").pointer());
        assertEquals("/curriculum/stages/0", refused("""
                curriculum: {stages: [{name: a}, {name: b}]}""").pointer(), "a stage before the last needs advance");
        assertEquals("/curriculum/stages/1/advance", refused("""
                curriculum: {stages: [{name: a, advance: {after_steps: 2}}, {name: b, advance: {after_steps: 2}}]}""")
                .pointer(), "the last stage cannot advance");
        assertEquals("/curriculum/stages/0/advance/after_steps", refused("""
                curriculum: {stages: [{name: a, advance: {after_steps: 0}}, {name: b}]}""").pointer());
        assertEquals("/curriculum/stages/0/advance", refused("""
                curriculum: {stages: [{name: a, advance: {metric: accuracy, above: 0.5, below: 0.9}}, {name: b}]}""")
                .pointer());
        assertEquals("/curriculum/stages/1/name", refused("""
                curriculum: {stages: [{name: a, advance: {after_steps: 2}}, {name: a}]}""").pointer());
        assertEquals("/curriculum/stages/0/filter/level", refused("""
                curriculum: {stages: [{name: a, filter: {level: []}}]}""").pointer());
        assertEquals("/curriculum/stages/0/max_new_tokens", refused("""
                curriculum: {stages: [{name: a, max_new_tokens: 0}]}""").pointer());
        assertEquals("/curriculum/stages/0/weights/values/2", refused("""
                curriculum: {sampler: staged, stages: [{name: a, weights: {field: level, values: {"2": -1}}}]}""")
                .pointer());
        assertEquals("/curriculum/length_budget", refused("curriculum: {length_budget: {from: 16, to: 64}}").pointer());
        assertEquals("/curriculum/length_budget/to", refused("curriculum: {length_budget: {from: 16, to: 1.5}}").pointer());
    }

    @Test
    void weightsWithASamplerThatIgnoresThemAreRefused() throws Exception {
        var e = refused("""
                curriculum: {sampler: uniform, stages: [{name: a, weights: {field: level, values: {"2": 2}}}]}""");
        assertEquals("/curriculum/stages/0/weights", e.pointer());
        assertTrue(e.getMessage().contains("ignores stage weights"), e.getMessage());
    }

    @Test
    void aBuiltInSamplersSettingsAreChecked() throws Exception {
        var unknown = refused("curriculum: {sampler: prompt_gdro, sampler_settings: {etta: 0.1}}");
        assertEquals("/curriculum/sampler_settings", unknown.pointer());
        assertTrue(unknown.getMessage().contains("[etta]") && unknown.getMessage().contains("eta"), unknown.getMessage());
        var range = refused("curriculum: {sampler: variance_aware, sampler_settings: {floor: 2}}");
        assertTrue(range.getMessage().contains("'floor' must be in [0, 1]"), range.getMessage());
        // a plugin's sampler: its settings are the plugin's to check
        assertEquals(Map.of("temperature", 3), CurriculumConfig.parse(
                section("curriculum: {sampler: my_plugin, sampler_settings: {temperature: 3}}"), "p").samplerSettings());
    }
}
