package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.Verdict;

/**
 * Sampled and scored groups, one per prompt, with each prompt encoded and each completion decoded once.
 *
 * @param examples       the prompts' examples
 * @param prompts        each group's prompt as token ids (hint included)
 * @param groups         each prompt's group of completions
 * @param texts          each completion decoded
 * @param scores         each completion's rewards
 * @param plans          what each group was planned as (its hint tier and prompt text)
 * @param rolloutPrompts each rollout's prompt ids: the group's, except a hinted replacement rollout's own
 */
record ScoredBatch(List<Example> examples, List<int[]> prompts, List<List<SampledCompletion>> groups,
                   List<List<String>> texts, List<List<RewardScorer.Scored>> scores,
                   List<StepPlanner.PlannedGroup> plans, List<List<int[]>> rolloutPrompts) {

    /** Groups sampled from their examples' own prompts, without hints. */
    ScoredBatch(List<Example> examples, List<int[]> prompts, List<List<SampledCompletion>> groups,
                List<List<String>> texts, List<List<RewardScorer.Scored>> scores) {
        this(examples, prompts, groups, texts, scores, plain(examples, groups), repeated(prompts, groups));
    }

    private static List<StepPlanner.PlannedGroup> plain(List<Example> examples,
                                                         List<List<SampledCompletion>> groups) {
        List<StepPlanner.PlannedGroup> out = new ArrayList<>();
        for (int p = 0; p < examples.size(); p++) {
            out.add(StepPlanner.PlannedGroup.plain(examples.get(p), Math.max(2, groups.get(p).size())));
        }
        return out;
    }

    private static List<List<int[]>> repeated(List<int[]> prompts, List<List<SampledCompletion>> groups) {
        List<List<int[]>> out = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            out.add(java.util.Collections.nCopies(groups.get(p).size(), prompts.get(p)));
        }
        return out;
    }

    int size() {
        return examples.size();
    }

    ScoredBatch select(List<Integer> indices) {
        return new ScoredBatch(pick(examples, indices), pick(prompts, indices), pick(groups, indices),
                pick(texts, indices), pick(scores, indices), pick(plans, indices), pick(rolloutPrompts, indices));
    }

    ScoredBatch append(ScoredBatch more) {
        return new ScoredBatch(join(examples, more.examples), join(prompts, more.prompts), join(groups, more.groups),
                join(texts, more.texts), join(scores, more.scores), join(plans, more.plans),
                join(rolloutPrompts, more.rolloutPrompts));
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
