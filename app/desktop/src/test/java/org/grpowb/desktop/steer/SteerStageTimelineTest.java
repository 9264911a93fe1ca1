package org.grpowb.desktop.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.junit.jupiter.api.Test;

/** The curriculum timeline: its stages from a section, the current stage from the run's events, edits back to JSON. */
class SteerStageTimelineTest {

    private static final String SECTION = """
            sampler: staged
            stages:
              - {name: easy, filter: {difficulty: [easy]}, advance: {after_steps: 20}}
              - {name: medium, filter: {difficulty: [easy, medium]}, max_new_tokens: 6,
                 advance: {metric: accuracy, above: 0.6, window: 5}}
              - {name: all}
            """;

    private static StageTimeline timeline() throws Exception {
        StageTimeline t = new StageTimeline();
        t.load(CurriculumConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(SECTION), "test").toJson());
        return t;
    }

    private static RunEvent.StepCompleted step(int step, double stage) {
        StepMetrics m = new StepMetrics(step, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
                Map.of(StageTimeline.STAGE_METRIC, stage));
        return new RunEvent.StepCompleted(1, new StepRecord(1, m, List.of()));
    }

    @Test
    void theStagesReadAsTheProjectWritesThem() throws Exception {
        StageTimeline t = timeline();
        assertEquals(List.of("easy", "medium", "all"), t.stages().stream().map(s -> s.nameProperty().get()).toList());
        StageDraft medium = t.stages().get(1);
        assertEquals("difficulty: [easy, medium]", medium.filterProperty().get());
        assertEquals("6", medium.maxNewTokensProperty().get());
        assertEquals("metric: accuracy, above: 0.6, window: 5", medium.advanceProperty().get());
        assertEquals("", t.stages().get(2).advanceProperty().get());
        assertEquals(-1, t.currentProperty().get(), "no run has said yet");
    }

    @Test
    void theCurrentStageFollowsTheNewestEvent() throws Exception {
        StageTimeline t = timeline();
        t.accept(List.of(new RunEvent.Started(1, 1, 100, "{}"), step(1, 0)));
        assertEquals(0, t.currentProperty().get());
        // step 20 was sampled in stage 0; the curriculum then moved on, from step 21
        t.accept(List.of(step(20, 0), new RunEvent.StageChanged(1, 21, 1, "medium")));
        assertEquals(1, t.currentProperty().get());
        // a resumed run's first step says where it is, whatever was shown before
        t.accept(List.of(step(40, 2)));
        assertEquals(2, t.currentProperty().get());
    }

    @Test
    void anEditedStageGoesBackAsAWholeSection() throws Exception {
        StageTimeline t = timeline();
        t.stages().get(0).maxNewTokensProperty().set("3");
        t.stages().get(0).advanceProperty().set("after_steps: 5");
        ObjectNode json = t.toJson();
        CurriculumConfig back = CurriculumConfig.parse(json, "test");
        assertEquals("staged", back.sampler());
        assertEquals(3, back.curriculum().stages().get(0).maxNewTokens());
        assertEquals(List.of("easy", "medium"), back.curriculum().stages().get(1).filter().get("difficulty"));

        t.addAfter(2);
        assertEquals("after_steps: 20", t.stages().get(2).advanceProperty().get(), "the old last stage now advances");
        assertEquals(4, CurriculumConfig.parse(t.toJson(), "test").curriculum().stages().size());
        t.remove(3);
        assertEquals("", t.stages().get(2).advanceProperty().get(), "the last stage never advances");

        t.stages().get(1).filterProperty().set("difficulty: [easy");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, t::toJson);
        assertTrue(bad.getMessage().contains("stage 'medium': filter"), bad.getMessage());
    }
}
