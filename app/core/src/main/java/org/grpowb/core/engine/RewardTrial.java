package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.grpowb.api.Example;
import org.grpowb.api.Verdict;
import org.grpowb.core.project.Dataset;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;

/**
 * Try a reward before a run uses it: score stored rollouts, or typed text against an example, with chosen reward
 * functions, through the same {@link RewardScorer} a run uses (time-boxed, failures contained per rollout, batched
 * functions called once for the batch). {@code grpowb plugins try} and the window's "Score with…" both come here.
 */
public final class RewardTrial {

    /** One completion to score, with the example it answers; {@code label} says where it came from. */
    public record Attempt(String label, String completion, Example example) {
    }

    /**
     * What the rewards said of one attempt.
     *
     * @param scores   every component, by name (0 where its function failed)
     * @param failures why each function that failed on it failed, by function name
     */
    public record Outcome(Attempt attempt, Map<String, Double> scores, Verdict verdict, Map<String, String> failures) {
    }

    /**
     * The outcomes, in the attempts' order, and the time the whole batch took (the calls run concurrently, a batched
     * function's once for all).
     */
    public record Result(List<Outcome> outcomes, double millis) {

        /** Wall time per attempt: the batch's time over its size. */
        public double millisPerAttempt() {
            return outcomes.isEmpty() ? 0 : millis / outcomes.size();
        }
    }

    private RewardTrial() {
    }

    /** Scores the attempts with the given rewards (configured as the run would), each call time-boxed. */
    public static Result score(List<Project.RewardChoice> rewards, List<Attempt> attempts, long timeoutMs) {
        return score(rewards, attempts, timeoutMs, 1);
    }

    /**
     * The same, scored {@code repeats} times by one scorer, as a run's steps are (its threads and a Python worker
     * warm after the first): the first outcomes, and the median time.
     */
    public static Result score(List<Project.RewardChoice> rewards, List<Attempt> attempts, long timeoutMs, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        try (RewardScorer scorer = new RewardScorer(rewards, timeoutMs)) {
            List<Example> examples = attempts.stream().map(Attempt::example).toList();
            List<String> completions = attempts.stream().map(Attempt::completion).toList();
            List<RewardScorer.Scored> scored = null;
            double[] ms = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                List<RewardScorer.Scored> s = scorer.score(examples, completions);
                ms[r] = (System.nanoTime() - t0) / 1e6;
                scored = scored == null ? s : scored;
            }
            java.util.Arrays.sort(ms);
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < attempts.size(); i++) {
                RewardScorer.Scored s = scored.get(i);
                out.add(new Outcome(attempts.get(i), s.named(), s.verdict(), s.failures()));
            }
            return new Result(out, ms[repeats / 2]);
        }
    }

    /**
     * Every rollout of a stored step, each with its group's example: from the project's data by id, else (a prompt no
     * longer in the data) rebuilt from the prompt and answer the store kept.
     */
    public static List<Attempt> storedStep(RunStore store, long runId, int step, Dataset data) {
        StepRecord record = store.step(runId, step).orElseThrow(() -> new IllegalArgumentException(
                "run " + runId + " of " + store.file() + " has no step " + step));
        List<Attempt> out = new ArrayList<>();
        for (GroupRecord g : record.groups()) {
            Example ex = example(data, g.promptId()).orElseGet(() -> new Example(g.promptId(), g.prompt(), g.answer(),
                    Map.of()));
            for (RolloutRecord r : g.rollouts()) {
                out.add(new Attempt("step " + step + " group " + g.index() + " rollout " + r.index(), r.completion(), ex));
            }
        }
        return out;
    }

    /** The example with this id in the project's training or held-out data. */
    public static Optional<Example> example(Dataset data, String id) {
        return Stream.concat(data.train().stream(), data.eval().stream()).filter(e -> e.id().equals(id)).findFirst();
    }
}
