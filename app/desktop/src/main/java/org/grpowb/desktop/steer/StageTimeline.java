package org.grpowb.desktop.steer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.engine.RunEvent;

/**
 * The curriculum as a row of stages, left to right, with the stage the run trains in marked. The current stage comes
 * from the run's events: a {@link RunEvent.StageChanged} names it from its step on, and every step's
 * {@code curriculum_stage} metric says which stage sampled it; the newest event wins.
 */
public final class StageTimeline {

    /** The step metric holding the stage index a step was sampled in. */
    public static final String STAGE_METRIC = "curriculum_stage";

    private final ObservableList<StageDraft> stages = FXCollections.observableArrayList();
    private final IntegerProperty current = new SimpleIntegerProperty(-1);
    /** The section around the stages (sampler, its settings, length budget), as the run has it. */
    private ObjectNode section = CurriculumConfig.none().toJson();

    /** Shows a curriculum section ({@code CurriculumConfig.toJson()} or an applied edit's payload). */
    public void load(JsonNode curriculum) {
        section = curriculum.deepCopy();
        JsonNode list = section.remove("stages");
        if (list == null || !list.isArray() || list.isEmpty()) {
            stages.setAll(List.of(new StageDraft("all")));
        } else {
            stages.setAll(java.util.stream.StreamSupport.stream(list.spliterator(), false).map(StageDraft::of)
                    .toList());
        }
        if (current.get() >= stages.size()) {
            current.set(stages.size() - 1);
        }
    }

    /** The run changed its sampler (a {@code set curriculum.sampler} edit): a new sampler starts from its defaults. */
    public void samplerChanged(String sampler) {
        section.put("sampler", sampler);
        section.remove("sampler_settings");
    }

    /** Follows the run's events, in order. */
    public void accept(List<RunEvent> events) {
        for (RunEvent e : events) {
            if (e instanceof RunEvent.StageChanged sc) {
                current.set(sc.stage());
            } else if (e instanceof RunEvent.StepCompleted step) {
                Double stage = step.step().metrics().extra().get(STAGE_METRIC);
                if (stage != null && !stage.isNaN()) {
                    current.set(stage.intValue());
                }
            } else if (e instanceof RunEvent.Started) {
                current.set(0);
            }
        }
    }

    /** A new stage after {@code index} (which then needs an advance rule, the last stage none). */
    public StageDraft addAfter(int index) {
        StageDraft d = new StageDraft(freeName());
        int at = Math.max(0, Math.min(stages.size(), index + 1));
        if (at == stages.size() && !stages.isEmpty() && stages.get(stages.size() - 1).advanceProperty().get().isBlank()) {
            stages.get(stages.size() - 1).advanceProperty().set("after_steps: 20");
        }
        stages.add(at, d);
        return d;
    }

    /** Removes a stage; the last one stays. */
    public void remove(int index) {
        if (stages.size() > 1 && index >= 0 && index < stages.size()) {
            stages.remove(index);
            stages.get(stages.size() - 1).advanceProperty().set(""); // the last stage never advances
        }
    }

    /**
     * The whole section with the edited stages, checked as the run will check it.
     *
     * @throws IllegalArgumentException naming the stage and field at fault
     */
    public ObjectNode toJson() {
        ObjectNode out = section.deepCopy();
        ArrayNode list = out.putArray("stages");
        for (StageDraft d : stages) {
            list.add(d.toJson());
        }
        CurriculumConfig.parse(out, "the curriculum timeline"); // a CurriculumFormatException is an IllegalArgument
        return out;
    }

    public ObservableList<StageDraft> stages() {
        return stages;
    }

    /** The index of the stage the run trains in; −1 before a run has said. */
    public IntegerProperty currentProperty() {
        return current;
    }

    private String freeName() {
        for (int i = stages.size() + 1; ; i++) {
            String n = "stage" + i;
            if (stages.stream().noneMatch(s -> s.nameProperty().get().equals(n))) {
                return n;
            }
        }
    }
}
