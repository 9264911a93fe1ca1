package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler.Candidate;

/**
 * Training in stages: each stage allows some prompts (easy ones first, say), weighs them, and hands over to the next
 * after some steps or once a metric crosses a threshold ({@link CurriculumTracker}). The last stage never advances.
 *
 * @param stages in order, at least one
 */
public record Curriculum(List<Stage> stages) {

    public Curriculum {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a curriculum needs at least one stage");
        }
    }

    /** One stage allowing every prompt: training without a curriculum. */
    public static Curriculum single() {
        return new Curriculum(List.of(Stage.all()));
    }

    /**
     * What stage {@code stageIndex} lets a sampler draw from, with its weights, in data order.
     *
     * @throws IllegalArgumentException when the stage allows no example, naming the stage and its filter
     */
    public List<Candidate> candidates(int stageIndex, List<Example> examples) {
        Stage stage = stages.get(stageIndex);
        List<Candidate> out = new ArrayList<>();
        for (Example e : examples) {
            if (stage.allows(e)) {
                out.add(new Candidate(e, stage.weight(e)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("curriculum stage " + (stageIndex + 1) + " '" + stage.name()
                    + "' allows none of the " + examples.size() + " training examples; its filter: " + stage.filter());
        }
        return out;
    }
}
