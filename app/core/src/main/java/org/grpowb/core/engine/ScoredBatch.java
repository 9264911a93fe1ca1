package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.Verdict;

/**
 * Sampled and scored groups, one per prompt, with each prompt encoded and each completion decoded once.
 *
 * @param examples the prompts' examples
 * @param prompts  each prompt's token ids
 * @param groups   each prompt's group of completions
 * @param texts    each completion decoded
 * @param scores   each completion's rewards
 */
record ScoredBatch(List<Example> examples, List<int[]> prompts, List<List<SampledCompletion>> groups,
                   List<List<String>> texts, List<List<RewardScorer.Scored>> scores) {

    int size() {
        return examples.size();
    }

    ScoredBatch select(List<Integer> indices) {
        return new ScoredBatch(pick(examples, indices), pick(prompts, indices), pick(groups, indices),
                pick(texts, indices), pick(scores, indices));
    }

    ScoredBatch append(ScoredBatch more) {
        return new ScoredBatch(join(examples, more.examples), join(prompts, more.prompts), join(groups, more.groups),
                join(texts, more.texts), join(scores, more.scores));
    }

    /** Per group, which rollouts the reward functions judged correct. */
    List<boolean[]> correct() {
        List<boolean[]> out = new ArrayList<>();
        for (List<RewardScorer.Scored> g : scores) {
            boolean[] c = new boolean[g.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = g.get(i).verdict() == Verdict.CORRECT;
            }
            out.add(c);
        }
        return out;
    }

    private static <T> List<T> pick(List<T> list, List<Integer> indices) {
        return indices.stream().map(list::get).toList();
    }

    private static <T> List<T> join(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
