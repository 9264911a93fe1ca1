package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.grpowb.api.Example;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenScores;
import org.grpowb.api.Verdict;
import org.grpowb.core.project.TrainingSettings;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.TokenTrace;

/**
 * One GRPO step, read top to bottom as the algorithm: pick prompts, sample a group per prompt, score, compute
 * group-relative advantages, look for sign flips, weigh tokens, update the policy, record.
 *
 * <p>The policy loss and the advantage estimator come from the chosen variant; this class only moves data between
 * them. π_old is the policy that sampled the group: its per-token log-probs are the ones recorded while sampling.
 */
public final class GrpoStep {

    /** What a step produced. {@code nonFinite} is true when the update was skipped for a NaN/infinite loss. */
    public record Outcome(StepMetrics metrics, List<GroupRecord> groups, boolean nonFinite) {
    }

    /** Sampled and scored groups, one per prompt, with each prompt encoded and each completion decoded once. */
    private record Batch(List<Example> examples, List<int[]> prompts, List<List<SampledCompletion>> groups,
                         List<List<String>> texts, List<List<RewardScorer.Scored>> scores) {

        int size() {
            return examples.size();
        }

        Batch select(List<Integer> indices) {
            return new Batch(pick(examples, indices), pick(prompts, indices), pick(groups, indices),
                    pick(texts, indices), pick(scores, indices));
        }

        Batch append(Batch more) {
            return new Batch(join(examples, more.examples), join(prompts, more.prompts), join(groups, more.groups),
                    join(texts, more.texts), join(scores, more.scores));
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

    private final PolicyModel policy;
    private final PolicyModel reference;
    private final AdamOptimizer optimizer;
    private final GroupAdvantage advantage;
    private final PolicyLoss loss;
    private final int extraRollouts;
    private final boolean dynamicSampling;
    private final RewardScorer rewards;
    private final PromptSampler prompts;
    private final List<Example> trainSet;
    private final SignFlips signFlips;
    private final TokenWeights tokenWeights;
    private final TrainingSettings settings;
    private final NDManager manager;

    /**
     * @param reference frozen reference policy π_ref, or null when the variant needs none (β = 0)
     */
    public GrpoStep(PolicyModel policy, PolicyModel reference, AdamOptimizer optimizer, GroupAdvantage advantage,
                    PolicyLoss loss, int extraRollouts, boolean dynamicSampling, RewardScorer rewards,
                    List<Example> trainSet, SignFlips signFlips, TrainingSettings settings, NDManager manager) {
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.advantage = advantage;
        this.loss = loss;
        this.extraRollouts = extraRollouts;
        this.dynamicSampling = dynamicSampling;
        this.rewards = rewards;
        this.trainSet = List.copyOf(trainSet);
        this.prompts = new PromptSampler(trainSet, settings.seed(), settings.promptsPerStep());
        this.signFlips = signFlips;
        this.tokenWeights = new TokenWeights(settings.thr(), settings.thrReweight());
        this.settings = settings;
        this.manager = manager;
    }

    public Outcome run(int step) {
        long t0 = System.nanoTime();
        Batch batch = sampleAndScore(prompts.pick(step), step, Seeds.SAMPLING);
        int dropped = 0;
        if (dynamicSampling) {
            int before = batch.examples().size();
            batch = refillEqualRewardGroups(batch, step);
            dropped = before - countInformative(batch);
        }
        List<RewardGroup> rewardGroups = rewardGroups(batch);
        List<GroupAdvantages> advantages = advantage.advantages(rewardGroups,
                (step - 1) / (double) Math.max(1, settings.steps()));
        double[] references = referenceBaselines(batch, step);
        TokenWeights.Result weights = tokenWeights.weigh(policy, manager, batch.prompts(),
                batch.groups(), advantages, correct(batch));
        Update update = updatePolicy(batch, advantages, weights.tokenAdvantages());
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Flips flips = signFlips(rewardGroups, advantages, references);
        List<GroupRecord> records = records(batch, rewardGroups, advantages, flips, weights, update);
        for (int p = 0; p < batch.examples().size(); p++) {
            signFlips.observe(batch.examples().get(p).id(), Arrays.stream(rewardGroups.get(p).totals()).average().orElse(0));
        }
        Map<String, Double> extra = new HashMap<>(weights.summary());
        extra.put("flip_rate", flips.rate());
        allWrongWithGradient(batch, advantages).ifPresent(v -> extra.put("all_wrong_nonzero_adv_frac", v));
        if (dynamicSampling) {
            extra.put("dropped_groups", (double) dropped);
        }
        return new Outcome(metrics(step, batch, advantages, update, wallMs, extra), records, update.nonFinite);
    }

    private Batch sampleAndScore(List<Example> examples, int step, int purpose) {
        SamplingSettings sampling = new SamplingSettings(settings.temperature(), settings.topP(),
                settings.maxNewTokens(), settings.kvCache());
        List<int[]> prompts = encodePrompts(policy, examples);
        List<List<SampledCompletion>> groups = policy.sample(prompts, settings.groupSize() + extraRollouts, sampling,
                Seeds.derive(settings.seed(), step, purpose));
        List<List<String>> texts = decode(groups);
        return new Batch(examples, prompts, groups, texts, score(examples, texts));
    }

    /**
     * DAPO's dynamic sampling: a group whose rewards are all equal has zero advantage everywhere and carries no policy
     * gradient, so it is replaced by the group of a freshly drawn prompt, for up to {@code max_resample_rounds}.
     */
    private Batch refillEqualRewardGroups(Batch batch, int step) {
        int want = batch.size();
        Batch kept = batch.select(informativeGroups(batch, want));
        for (int round = 1; round <= settings.maxResampleRounds() && kept.size() < want; round++) {
            Random r = new Random(Seeds.derive(settings.seed(), step, Seeds.RESAMPLE + round));
            List<Example> more = new ArrayList<>();
            for (int i = kept.size(); i < want; i++) {
                more.add(trainSet.get(r.nextInt(trainSet.size())));
            }
            Batch fresh = sampleAndScore(more, step, Seeds.RESAMPLE + round);
            kept = kept.append(fresh.select(informativeGroups(fresh, want - kept.size())));
        }
        // nothing informative at all: train on the original (zero-gradient) batch
        return kept.size() == 0 ? batch : kept;
    }

    /** Indices of the first {@code limit} groups whose rewards are not all equal. */
    private List<Integer> informativeGroups(Batch b, int limit) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < b.size() && out.size() < limit; p++) {
            if (informative(b.scores().get(p))) {
                out.add(p);
            }
        }
        return out;
    }

    private boolean informative(List<RewardScorer.Scored> group) {
        double first = rewards.total(group.get(0).components());
        return group.stream().anyMatch(s -> rewards.total(s.components()) != first);
    }

    private int countInformative(Batch b) {
        return (int) b.scores().stream().filter(this::informative).count();
    }

    static List<int[]> encodePrompts(PolicyModel policy, List<Example> batch) {
        List<int[]> out = new ArrayList<>(batch.size());
        for (Example e : batch) {
            try {
                out.add(policy.codec().encode(e.prompt()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("example '" + e.id() + "', field 'prompt': " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private List<List<String>> decode(List<List<SampledCompletion>> groups) {
        List<List<String>> out = new ArrayList<>(groups.size());
        for (List<SampledCompletion> g : groups) {
            out.add(g.stream().map(c -> policy.codec().decode(c.tokens())).toList());
        }
        return out;
    }

    /** Scores every completion of every group in one concurrent, time-boxed batch of reward calls. */
    private List<List<RewardScorer.Scored>> score(List<Example> batch, List<List<String>> texts) {
        List<Example> exs = new ArrayList<>();
        List<String> flatTexts = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            for (String t : texts.get(p)) {
                exs.add(batch.get(p));
                flatTexts.add(t);
            }
        }
        List<RewardScorer.Scored> flat = rewards.score(exs, flatTexts);
        List<List<RewardScorer.Scored>> out = new ArrayList<>();
        int k = 0;
        for (List<String> g : texts) {
            out.add(new ArrayList<>(flat.subList(k, k + g.size())));
            k += g.size();
        }
        return out;
    }

    private List<RewardGroup> rewardGroups(Batch batch) {
        List<RewardGroup> out = new ArrayList<>();
        for (int p = 0; p < batch.examples().size(); p++) {
            List<RewardScorer.Scored> g = batch.scores().get(p);
            List<SampledCompletion> cs = batch.groups().get(p);
            double[][] m = new double[g.size()][];
            List<String> texts = new ArrayList<>();
            int[] lengths = new int[g.size()];
            double[] seqLogProbs = new double[g.size()];
            for (int i = 0; i < g.size(); i++) {
                m[i] = g.get(i).components();
                texts.add(batch.texts().get(p).get(i));
                lengths[i] = cs.get(i).length();
                for (float lp : cs.get(i).logProbs()) {
                    seqLogProbs[i] += lp;
                }
            }
            out.add(new RewardGroup(batch.examples().get(p).id(), rewards.componentNames(), m, rewards.weights(),
                    rewards.maxTotal(), texts, lengths, seqLogProbs, settings.maxNewTokens()));
        }
        return out;
    }

    private static List<boolean[]> correct(Batch batch) {
        List<boolean[]> out = new ArrayList<>();
        for (List<RewardScorer.Scored> g : batch.scores()) {
            boolean[] c = new boolean[g.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = g.get(i).verdict() == Verdict.CORRECT;
            }
            out.add(c);
        }
        return out;
    }

    /**
     * b_ref per group, NaN where the prompt has none yet. With {@code probe} references, every {@code probe_every}
     * steps K extra rollouts per prompt are sampled (with their own seed, never trained on) and their mean reward
     * becomes the prompt's reference.
     */
    private double[] referenceBaselines(Batch batch, int step) {
        double[] out = new double[batch.examples().size()];
        Arrays.fill(out, Double.NaN);
        if (settings.flipReference().equals("none")) {
            return out;
        }
        if (settings.flipReference().equals("probe") && (step - 1) % settings.probeEvery() == 0) {
            SamplingSettings sampling = new SamplingSettings(settings.temperature(), settings.topP(),
                    settings.maxNewTokens(), settings.kvCache());
            List<List<SampledCompletion>> probes = policy.sample(batch.prompts(), settings.probeRollouts(), sampling,
                    Seeds.derive(settings.seed(), step, Seeds.PROBE));
            List<List<RewardScorer.Scored>> scored = score(batch.examples(), decode(probes));
            for (int p = 0; p < scored.size(); p++) {
                signFlips.probe(batch.examples().get(p).id(), scored.get(p).stream()
                        .mapToDouble(s -> rewards.total(s.components())).average().orElse(0));
            }
        }
        for (int p = 0; p < out.length; p++) {
            OptionalDouble ref = signFlips.reference(batch.examples().get(p).id());
            out[p] = ref.isPresent() ? ref.getAsDouble() : Double.NaN;
        }
        return out;
    }

    /** Losses and diagnostics of the update, plus the last pass's per-token log-probs and clip flags per row. */
    private record Update(double loss, Map<String, Double> metrics, boolean nonFinite, double gradNorm,
                          Map<Long, float[]> currentLogProbs, Map<Long, byte[]> clipped) {
    }

    private static long key(int group, int rollout) {
        return ((long) group << 32) | rollout;
    }

    private Update updatePolicy(Batch batch, List<GroupAdvantages> advantages, List<float[][]> tokenAdvantages) {
        // Rows that enter the loss: every kept rollout, its prompt, its completion, its per-token advantages.
        List<int[]> promptRows = new ArrayList<>();
        List<int[]> completionRows = new ArrayList<>();
        List<float[]> oldRows = new ArrayList<>();
        List<float[]> advRows = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        List<int[]> encoded = batch.prompts();
        for (int p = 0; p < batch.examples().size(); p++) {
            GroupAdvantages a = advantages.get(p);
            for (int i = 0; i < batch.groups().get(p).size(); i++) {
                SampledCompletion c = batch.groups().get(p).get(i);
                if (!a.keep()[i] || c.length() == 0) {
                    continue;
                }
                promptRows.add(encoded.get(p));
                completionRows.add(c.tokens());
                oldRows.add(c.logProbs());
                advRows.add(tokenAdvantages.get(p)[i]);
                keys.add(key(p, i));
            }
        }
        Map<Long, float[]> current = new HashMap<>();
        Map<Long, byte[]> clipped = new HashMap<>();
        if (promptRows.isEmpty()) {
            return new Update(0.0, Map.of(), false, 0.0, current, clipped);
        }
        long activeTokens = completionRows.stream().mapToLong(r -> r.length).sum();
        int n = promptRows.size();
        int micro = Math.max(1, settings.microBatch());

        double lossSum = 0;
        Map<String, Double> metricSums = new HashMap<>();
        double gradNorm = 0;
        boolean nonFinite = false;
        for (int iter = 0; iter < settings.updateIterations() && !nonFinite; iter++) {
            boolean last = iter == settings.updateIterations() - 1;
            double iterLoss = 0;
            for (int from = 0; from < n; from += micro) {
                int to = Math.min(n, from + micro);
                try (NDManager mb = manager.newSubManager()) {
                    List<int[]> pr = promptRows.subList(from, to);
                    List<int[]> cr = completionRows.subList(from, to);
                    NDArray ref = null;
                    if (reference != null) {
                        ref = reference.score(mb, pr, cr).logProbs().stopGradient();
                    }
                    try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                        TokenScores cur = policy.score(mb, pr, cr);
                        DataType dt = cur.logProbs().getDataType();
                        Shape shape = cur.logProbs().getShape();
                        NDArray old = padded(mb, oldRows.subList(from, to), shape, dt);
                        NDArray adv = padded(mb, advRows.subList(from, to), shape, dt).mul(cur.mask());
                        PolicyLossOutput out = loss.loss(new PolicyLossInput(cur.logProbs(), old, ref, adv, cur.mask(),
                                settings.groupSize(), settings.maxNewTokens(), activeTokens, n,
                                cur.entropies().stopGradient()));
                        double value = out.loss().toType(DataType.FLOAT64, false).getDouble();
                        if (!Double.isFinite(value)) {
                            nonFinite = true;
                            break;
                        }
                        tape.backward(out.loss());
                        iterLoss += value;
                        double weight = (double) (to - from) / n / settings.updateIterations();
                        out.metrics().forEach((k, v) -> metricSums.merge(k, v * weight, Double::sum));
                        if (last) {
                            keepTokenValues(cur.logProbs(), out.tokenClipped(), cr, keys.subList(from, to), current,
                                    clipped);
                        }
                    }
                }
            }
            if (nonFinite) {
                optimizer.zeroGradients();
                break;
            }
            gradNorm = optimizer.step(settings.learningRate(), settings.maxGradNorm());
            if (!Double.isFinite(gradNorm)) {
                nonFinite = true; // the optimiser skipped the update; counted like a non-finite loss
                break;
            }
            lossSum += iterLoss;
        }
        double lossMean = nonFinite ? Double.NaN : lossSum / settings.updateIterations();
        return new Update(lossMean, metricSums, nonFinite, gradNorm, current, clipped);
    }

    private static void keepTokenValues(NDArray logProbs, NDArray clippedFlags, List<int[]> completions, List<Long> keys,
                                        Map<Long, float[]> current, Map<Long, byte[]> clipped) {
        int t = (int) logProbs.getShape().get(1);
        float[] lp = logProbs.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        float[] cl = clippedFlags == null ? null
                : clippedFlags.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        for (int r = 0; r < keys.size(); r++) {
            int len = completions.get(r).length;
            current.put(keys.get(r), Arrays.copyOfRange(lp, r * t, r * t + len));
            if (cl != null) {
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) (cl[r * t + i] > 0 ? 1 : 0);
                }
                clipped.put(keys.get(r), b);
            }
        }
    }

    private static NDArray padded(NDManager m, List<float[]> rows, Shape shape, DataType dt) {
        int b = (int) shape.get(0);
        int t = (int) shape.get(1);
        float[] flat = new float[b * t];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i);
            System.arraycopy(r, 0, flat, i * t, Math.min(r.length, t));
        }
        // A PyTorch-owned copy: an array wrapping a Java buffer has run-dependent memory alignment, which can change
        // the summation order of vectorised reductions and with it the last bits of the loss.
        NDArray wrapped = m.create(flat, new Shape(b, t));
        NDArray owned = wrapped.toType(dt, true);
        wrapped.close();
        return owned;
    }

    private StepMetrics metrics(int step, Batch batch, List<GroupAdvantages> advantages, Update update, double wallMs,
                                Map<String, Double> extra) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        int verified = 0;
        int correct = 0;
        int failures = 0;
        double entropySum = 0;
        long tokens = 0;
        for (int p = 0; p < batch.groups().size(); p++) {
            for (int i = 0; i < batch.groups().get(p).size(); i++) {
                RewardScorer.Scored s = batch.scores().get(p).get(i);
                double r = rewards.total(s.components());
                sum += r;
                sq += r * r;
                n++;
                if (s.verdict() != Verdict.UNVERIFIED) {
                    verified++;
                    correct += s.verdict() == Verdict.CORRECT ? 1 : 0;
                }
                failures += s.failed() ? 1 : 0;
                SampledCompletion c = batch.groups().get(p).get(i);
                for (float e : c.entropies()) {
                    entropySum += e;
                }
                tokens += c.length();
            }
        }
        long zero = advantages.stream().filter(GroupAdvantages::allZero).count();
        double mean = sum / n;
        Map<String, Double> all = new HashMap<>(update.metrics());
        all.putAll(extra);
        double kl = all.getOrDefault("kl", 0.0);
        double clip = all.getOrDefault("clip_frac", 0.0);
        all.remove("kl");
        all.remove("clip_frac");
        all.put("grad_norm", update.gradNorm());
        return new StepMetrics(step, mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                verified == 0 ? Double.NaN : (double) correct / verified, update.loss(), kl,
                tokens == 0 ? 0 : entropySum / tokens, clip, (double) zero / batch.groups().size(),
                tokens / (wallMs / 1000.0), (double) tokens / n, failures, update.nonFinite(), wallMs,
                new java.util.TreeMap<>(all));
    }

    /**
     * Among groups where no rollout is correct, the share whose advantages are not all zero: vanilla GRPO gives such a
     * group no gradient at all, NGRPO's calibration gives it negative advantages.
     */
    private static java.util.OptionalDouble allWrongWithGradient(Batch batch, List<GroupAdvantages> advantages) {
        int allWrong = 0;
        int withGradient = 0;
        for (int p = 0; p < batch.scores().size(); p++) {
            if (batch.scores().get(p).stream().noneMatch(s -> s.verdict() == Verdict.CORRECT)) {
                allWrong++;
                withGradient += advantages.get(p).allZero() ? 0 : 1;
            }
        }
        return allWrong == 0 ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of((double) withGradient / allWrong);
    }

    /** Per group, which rollouts' advantage signs disagree with the reference; {@code counted} had a reference sign. */
    private record Flips(List<boolean[]> flipped, int counted, int flips) {
        double rate() {
            return counted == 0 ? 0.0 : (double) flips / counted;
        }
    }

    /** Only rollouts that enter the loss are judged: a masked pivot (MC-GRPO) carries no sign. */
    private static Flips signFlips(List<RewardGroup> groups, List<GroupAdvantages> advantages, double[] references) {
        List<boolean[]> out = new ArrayList<>();
        int counted = 0;
        int flips = 0;
        for (int p = 0; p < groups.size(); p++) {
            GroupAdvantages a = advantages.get(p);
            double[] totals = groups.get(p).totals();
            double[] kept = java.util.stream.IntStream.range(0, totals.length).filter(i -> a.keep()[i])
                    .mapToDouble(i -> totals[i]).toArray();
            int[] c = new int[1];
            boolean[] f = SignFlips.flipped(kept, a.baseline(),
                    Double.isNaN(references[p]) ? OptionalDouble.empty() : OptionalDouble.of(references[p]), c);
            boolean[] all = new boolean[totals.length];
            for (int i = 0, k = 0; i < totals.length; i++) {
                if (a.keep()[i]) {
                    all[i] = f[k++];
                    flips += all[i] ? 1 : 0;
                }
            }
            counted += c[0];
            out.add(all);
        }
        return new Flips(out, counted, flips);
    }

    private List<GroupRecord> records(Batch batch, List<RewardGroup> rewardGroups, List<GroupAdvantages> advantages,
                                      Flips flips, TokenWeights.Result weights, Update update) {
        List<GroupRecord> out = new ArrayList<>();
        for (int p = 0; p < batch.examples().size(); p++) {
            Example ex = batch.examples().get(p);
            GroupAdvantages a = advantages.get(p);
            double[] totals = rewardGroups.get(p).totals();
            List<RolloutRecord> rs = new ArrayList<>();
            for (int i = 0; i < batch.groups().get(p).size(); i++) {
                SampledCompletion s = batch.groups().get(p).get(i);
                RewardScorer.Scored sc = batch.scores().get(p).get(i);
                float[] adv = a.keep()[i] ? weights.tokenAdvantages().get(p)[i] : new float[s.length()];
                float[] thr = weights.thr() == null ? null : weights.thr().get(p)[i];
                TokenTrace trace = new TokenTrace(s.tokens(), s.logProbs(), s.entropies(), adv,
                        update.currentLogProbs().get(key(p, i)), update.clipped().get(key(p, i)), thr);
                rs.add(new RolloutRecord(i, rewardGroups.get(p).completions().get(i), totals[i], sc.named(),
                        sc.failed(), sc.verdict(), a.advantages()[i], a.keep()[i], s.truncated(), trace,
                        flips.flipped().get(p)[i]));
            }
            out.add(new GroupRecord(p, ex.id(), ex.prompt(), ex.answer(), a.baseline(), rs));
        }
        return out;
    }
}
