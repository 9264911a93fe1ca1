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
import org.grpowb.api.RewardFunction;
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

    /**
     * The scores of one rollout across all reward functions, in component order.
     *
     * @param failures why each function that failed on this rollout failed, by function name; empty when none did
     */
    public record Scored(double[] components, Map<String, Double> named, Verdict verdict, boolean failed,
                         Map<String, String> failures) {
        public Scored {
            failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        }

        public Scored(double[] components, Map<String, Double> named, Verdict verdict, boolean failed) {
            this(components, named, verdict, failed, Map.of());
        }
    }

    /** Swapped whole by {@link #replaceFunctions}, on the thread that scores. */
    private List<Project.RewardChoice> rewards;
    private final List<String> componentNames = new ArrayList<>();
    private final double[] weights;
    private ScoreRange[] ranges;
    private final long timeoutMs;
    private final ExecutorService pool;

    /**
     * Prefix of the step metric that counts one function's failed rollouts ({@code reward_failures.<name>}); the step's
     * {@code reward_failures} counts rollouts where any function failed.
     */
    public static final String FAILURES_OF = "reward_failures.";

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

    /**
     * Scores with new instances of the same functions from now on (a plugin file replaced by a new version): same
     * names, score names and weights, in the same order, so every component of the run keeps its meaning. Call
     * between batches, on the thread that scores.
     *
     * @throws IllegalArgumentException naming the function whose names differ; nothing is replaced then
     */
    public void replaceFunctions(List<Project.RewardChoice> next) {
        if (next.size() != rewards.size()) {
            throw new IllegalArgumentException(next.size() + " reward functions given for " + rewards.size());
        }
        List<ScoreRange> r = new ArrayList<>();
        for (int j = 0; j < next.size(); j++) {
            RewardFunction was = rewards.get(j).function();
            RewardFunction now = next.get(j).function();
            if (!was.name().equals(now.name()) || !was.scoreNames().equals(now.scoreNames())
                    || rewards.get(j).weight() != next.get(j).weight()) {
                throw new IllegalArgumentException("reward '" + was.name() + "' " + was.scoreNames() + " cannot become '"
                        + now.name() + "' " + now.scoreNames() + " in a running run: its scores must keep their names "
                        + "(start a new run to change them)");
            }
            for (int k = 0; k < now.scoreNames().size(); k++) {
                r.add(now.scoreRange());
            }
        }
        if (lengthBudget) {
            r.add(ranges[ranges.length - 1]);
        }
        this.rewards = List.copyOf(next);
        this.ranges = r.toArray(ScoreRange[]::new);
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
        // one task per rollout and function, or one per function for those that take the whole batch
        List<Calls> calls = new ArrayList<>();
        for (Project.RewardChoice r : rewards) {
            calls.add(r.function().batched() ? Calls.batch(pool, r.function(), completions, examples)
                    : Calls.each(pool, r.function(), completions, examples));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Scored> out = new ArrayList<>();
        Map<String, String> firstFailure = new LinkedHashMap<>();
        Map<String, Integer> failureCount = new LinkedHashMap<>();
        for (int i = 0; i < completions.size(); i++) {
            double[] comps = new double[componentNames.size()];
            Map<String, Double> named = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            Verdict verdict = Verdict.UNVERIFIED;
            boolean failed = false;
            int k = 0;
            for (int j = 0; j < rewards.size(); j++) {
                Project.RewardChoice r = rewards.get(j);
                List<String> names = r.function().scoreNames();
                RewardResult res = null;
                String why = null;
                try {
                    res = calls.get(j).result(i, deadline);
                    if (res == null) {
                        throw new Refused("returned no score (None, or not a finite number)");
                    }
                    if (!res.scores().keySet().equals(new java.util.LinkedHashSet<>(names))) {
                        throw new Refused("returned scores " + res.scores().keySet() + ", declared " + names);
                    }
                    requireInRange(res, names, k);
                } catch (TimeoutException e) {
                    calls.get(j).cancel(i);
                    why = "timed out after " + timeoutMs + " ms";
                    res = null;
                } catch (ExecutionException | RuntimeException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    why = cause instanceof Refused ? cause.getMessage() : String.valueOf(cause);
                    res = null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while scoring", e);
                }
                if (why != null) {
                    firstFailure.putIfAbsent(r.function().name(), why);
                    failureCount.merge(r.function().name(), 1, Integer::sum);
                    failures.put(r.function().name(), why);
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
            out.add(new Scored(comps, named, verdict, failed, failures));
        }
        // One line per misbehaving function and batch, not one per rollout.
        failureCount.forEach((name, n) -> LOG.warn("reward '{}' failed on {} of {} rollouts (first: {})", name, n,
                completions.size(), firstFailure.get(name)));
        return out;
    }

    /**
     * Throws when one function failed on more than {@code share} of a batch's rollouts (the first such function, with
     * its first failure); {@code share} 1 never throws.
     */
    public static void requireFailureShareAtMost(List<Scored> batch, double share) {
        Map<String, Integer> count = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        for (Scored s : batch) {
            s.failures().forEach((name, why) -> {
                count.merge(name, 1, Integer::sum);
                first.putIfAbsent(name, why);
            });
        }
        for (Map.Entry<String, Integer> e : count.entrySet()) {
            if (e.getValue() > share * batch.size()) {
                throw new RewardFailuresException(e.getKey(), e.getValue(), batch.size(), first.get(e.getKey()));
            }
        }
    }

    /** What the scorer refuses of a function's answer (reported by its message alone, unlike a plugin's own throw). */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** One function's calls for a batch: a future per rollout, or one future for the whole batch. */
    private static final class Calls {
        private final List<Future<RewardResult>> each;
        private final Future<List<RewardResult>> batch;
        private final int size;
        private TimeoutException batchTimeout;
        private ExecutionException batchFailure;

        private Calls(List<Future<RewardResult>> each, Future<List<RewardResult>> batch, int size) {
            this.each = each;
            this.batch = batch;
            this.size = size;
        }

        static Calls each(ExecutorService pool, RewardFunction f, List<String> completions, List<Example> examples) {
            List<Future<RewardResult>> each = new ArrayList<>();
            for (int i = 0; i < completions.size(); i++) {
                String c = completions.get(i);
                Example ex = examples.get(i);
                each.add(pool.submit(() -> f.score(c, ex)));
            }
            return new Calls(each, null, completions.size());
        }

        static Calls batch(ExecutorService pool, RewardFunction f, List<String> completions, List<Example> examples) {
            List<String> cs = List.copyOf(completions);
            List<Example> exs = List.copyOf(examples);
            return new Calls(null, pool.submit(() -> f.scoreBatch(cs, exs)), completions.size());
        }

        /** Rollout i's result, null when the function gave none; waits until the deadline at most. */
        RewardResult result(int i, long deadline) throws InterruptedException, ExecutionException, TimeoutException {
            long left = Math.max(0, deadline - System.nanoTime());
            if (each != null) {
                return each.get(i).get(left, TimeUnit.NANOSECONDS);
            }
            List<RewardResult> all;
            // one call for the whole batch: every rollout gets the same outcome, its first failure included
            if (batchTimeout != null) {
                throw batchTimeout;
            }
            if (batchFailure != null) {
                throw batchFailure;
            }
            try {
                all = batch.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                batchTimeout = e;
                throw e;
            } catch (ExecutionException e) {
                batchFailure = e;
                throw e;
            }
            if (all == null || all.size() != size) {
                throw new Refused("returned " + (all == null ? "nothing" : all.size() + " results")
                        + " for a batch of " + size);
            }
            return all.get(i);
        }

        void cancel(int i) {
            (each != null ? each.get(i) : batch).cancel(true);
        }
    }

    /** A score outside its function's declared range fails the rollout's reward, as a throw does. */
    private void requireInRange(RewardResult res, List<String> names, int firstComponent) {
        for (int n = 0; n < names.size(); n++) {
            double v = res.scores().get(names.get(n));
            ScoreRange range = ranges[firstComponent + n];
            if (!range.contains(v)) {
                throw new Refused("score '" + names.get(n) + "' = " + v + " is outside its declared range " + range);
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
