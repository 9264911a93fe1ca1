package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.grpowb.api.Example;
import org.grpowb.api.RewardResult;
import org.grpowb.api.ScoreRange;
import org.grpowb.api.Verdict;
import org.grpowb.core.curriculum.LengthBudget;
import org.grpowb.core.project.Project;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a project's reward functions on completions, each call time-boxed. A function that throws, hangs, returns
 * the wrong scores or a score outside its declared {@link ScoreRange} fails only that rollout's reward (its components
 * count as 0 and the rollout is flagged); the run goes on. Calls run on daemon threads so that a hung plugin never keeps the process alive.
 */
public final class RewardScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RewardScorer.class);

    /** The scores of one rollout across all reward functions, in component order. */
    public record Scored(double[] components, Map<String, Double> named, Verdict verdict, boolean failed) {
    }

    private final List<Project.RewardChoice> rewards;
    private final List<String> componentNames = new ArrayList<>();
    private final double[] weights;
    private final ScoreRange[] ranges;
    private final long timeoutMs;
    private final ExecutorService pool;

    /** The name of the length term a curriculum's shrinking length budget adds to every rollout's rewards. */
    public static final String LENGTH_BUDGET = "length_budget";

    /**
     * The length term's weight: 1 (ours), the weight of a verifier's pass/fail, so a completion twice over budget
     * loses as much as a wrong answer and one within it loses nothing.
     */
    static final double LENGTH_BUDGET_WEIGHT = 1.0;

    private final boolean lengthBudget;

    public RewardScorer(List<Project.RewardChoice> rewards, long timeoutMs) {
        this(rewards, timeoutMs, false);
    }

    /**
     * @param lengthBudget add the {@value #LENGTH_BUDGET} component ({@link LengthBudget#penalty}, in [−1, 0]) after
     *                     the functions' own; it is 0 where no budget is given
     */
    public RewardScorer(List<Project.RewardChoice> rewards, long timeoutMs, boolean lengthBudget) {
        this.rewards = List.copyOf(rewards);
        this.lengthBudget = lengthBudget;
        List<Double> w = new ArrayList<>();
        List<ScoreRange> ranges = new ArrayList<>();
        for (Project.RewardChoice r : rewards) {
            ScoreRange range = r.function().scoreRange();
            for (String n : r.function().scoreNames()) {
                componentNames.add(n);
                w.add(r.weight());
                ranges.add(range);
            }
        }
        if (lengthBudget) {
            componentNames.add(LENGTH_BUDGET);
            w.add(LENGTH_BUDGET_WEIGHT);
            ranges.add(new ScoreRange(-1, 0));
        }
        this.weights = w.stream().mapToDouble(Double::doubleValue).toArray();
        this.ranges = ranges.toArray(ScoreRange[]::new);
        this.timeoutMs = timeoutMs;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "reward-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public List<String> componentNames() {
        return List.copyOf(componentNames);
    }

    public double[] weights() {
        return weights.clone();
    }

    /**
     * The largest attainable weighted total Σ_k w_k r_k, from each function's declared score range: a component with
     * a positive weight at its maximum, one with a negative weight at its minimum. Calibrating estimators (NGRPO's
     * virtual best completion, A-GRAE) rely on it.
     */
    public double maxTotal() {
        double s = 0;
        for (int k = 0; k < weights.length; k++) {
            s += weights[k] * (weights[k] >= 0 ? ranges[k].max() : ranges[k].min());
        }
        return s;
    }

    /** Scores completions of examples (same order); all calls of the batch run concurrently under one deadline each. */
    public List<Scored> score(List<Example> examples, List<String> completions) {
        return score(examples, completions, null, 0);
    }

    /**
     * The same, with each completion's length in tokens and the step's length budget in tokens, for the
     * {@value #LENGTH_BUDGET} component (ignored without it; {@code lengths} null or {@code budget} 0: no term).
     */
    public List<Scored> score(List<Example> examples, List<String> completions, int[] lengths, int budget) {
        List<List<Future<RewardResult>>> futures = new ArrayList<>();
        for (int i = 0; i < completions.size(); i++) {
            Example ex = examples.get(i);
            String c = completions.get(i);
            List<Future<RewardResult>> row = new ArrayList<>();
            for (Project.RewardChoice r : rewards) {
                row.add(pool.submit(() -> r.function().score(c, ex)));
            }
            futures.add(row);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Scored> out = new ArrayList<>();
        Map<String, String> firstFailure = new LinkedHashMap<>();
        Map<String, Integer> failureCount = new LinkedHashMap<>();
        for (int i = 0; i < futures.size(); i++) {
            double[] comps = new double[componentNames.size()];
            Map<String, Double> named = new LinkedHashMap<>();
            Verdict verdict = Verdict.UNVERIFIED;
            boolean failed = false;
            int k = 0;
            for (int j = 0; j < rewards.size(); j++) {
                Project.RewardChoice r = rewards.get(j);
                List<String> names = r.function().scoreNames();
                RewardResult res = null;
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    res = futures.get(i).get(j).get(left, TimeUnit.NANOSECONDS);
                    if (!res.scores().keySet().equals(new java.util.LinkedHashSet<>(names))) {
                        throw new IllegalStateException("returned scores " + res.scores().keySet() + ", declared " + names);
                    }
                    requireInRange(res, names, k);
                } catch (TimeoutException e) {
                    futures.get(i).get(j).cancel(true);
                    firstFailure.putIfAbsent(r.function().name(), "timed out after " + timeoutMs + " ms");
                    failureCount.merge(r.function().name(), 1, Integer::sum);
                    res = null;
                } catch (ExecutionException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    firstFailure.putIfAbsent(r.function().name(), String.valueOf(cause));
                    failureCount.merge(r.function().name(), 1, Integer::sum);
                    res = null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while scoring", e);
                }
                for (String n : names) {
                    double v = res == null ? 0.0 : res.scores().get(n);
                    comps[k++] = v;
                    named.put(n, v);
                }
                if (res == null) {
                    failed = true;
                } else if (res.verdict() != Verdict.UNVERIFIED && verdict != Verdict.INCORRECT) {
                    verdict = res.verdict();
                }
            }
            if (lengthBudget) {
                double v = lengths == null || budget <= 0 ? 0.0 : LengthBudget.penalty(lengths[i], budget);
                comps[k] = v;
                named.put(LENGTH_BUDGET, v);
            }
            if (failed && verdict == Verdict.UNVERIFIED) {
                verdict = Verdict.INCORRECT;
            }
            out.add(new Scored(comps, named, verdict, failed));
        }
        // One line per misbehaving function and batch, not one per rollout.
        failureCount.forEach((name, n) -> LOG.warn("reward '{}' failed on {} of {} rollouts (first: {})", name, n,
                completions.size(), firstFailure.get(name)));
        return out;
    }

    /** A score outside its function's declared range fails the rollout's reward, as a throw does. */
    private void requireInRange(RewardResult res, List<String> names, int firstComponent) {
        for (int n = 0; n < names.size(); n++) {
            double v = res.scores().get(names.get(n));
            ScoreRange range = ranges[firstComponent + n];
            if (!range.contains(v)) {
                throw new IllegalStateException("score '" + names.get(n) + "' = " + v + " is outside its declared range "
                        + range);
            }
        }
    }

    /** Weighted total of one rollout's components. */
    public double total(double[] components) {
        double s = 0;
        for (int k = 0; k < components.length; k++) {
            s += weights[k] * components[k];
        }
        return s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
