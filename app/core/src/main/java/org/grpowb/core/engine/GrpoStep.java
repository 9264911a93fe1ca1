package org.grpowb.core.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import org.grpowb.api.Example;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.RewardGroup;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
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
 * them. π_old is the policy that sampled the group: its per-token log-probs are the ones recorded while sampling, at
 * the sampling temperature ({@link PolicyUpdate} says when π_θ detached stands in for them).
 *
 * <p>The step's reward, accuracy, entropy, length and zero-advantage figures describe what the policy produced for the
 * step's own prompts, before DAPO's dynamic sampling filters them (as verl and TRL report them); what was trained on
 * after filtering is reported under {@code filtered_*}.
 */
public final class GrpoStep {

    /** What a step produced. {@code nonFinite} is true when the update was skipped for a NaN/infinite loss. */
    public record Outcome(StepMetrics metrics, List<GroupRecord> groups, boolean nonFinite) {
    }

    private final PolicyModel policy;
    private final GroupAdvantage advantage;
    private final int extraRollouts;
    private final boolean variantDynamicSampling;
    private final RewardScorer rewards;
    private final StepPlanner planner;
    private final SignFlips signFlips;
    private final TokenWeights tokenWeights;
    private final PolicyUpdate update;
    private final TrainingSettings settings;
    private final NDManager manager;

    /**
     * @param reference       frozen reference policy π_ref, or null when the variant needs none (β = 0)
     * @param dynamicSampling the variant asks for DAPO's dynamic sampling: groups with equal rewards are dropped and
     *                        refilled whatever the project's prompt sampler
     * @param planner         what each step samples
     */
    GrpoStep(PolicyModel policy, PolicyModel reference, AdamOptimizer optimizer, GroupAdvantage advantage,
             PolicyLoss loss, int extraRollouts, boolean dynamicSampling, RewardScorer rewards, StepPlanner planner,
             SignFlips signFlips, TrainingSettings settings, NDManager manager) {
        this.policy = policy;
        this.advantage = advantage;
        this.extraRollouts = extraRollouts;
        this.variantDynamicSampling = dynamicSampling;
        this.rewards = rewards;
        this.planner = planner;
        this.signFlips = signFlips;
        this.tokenWeights = new TokenWeights(settings);
        this.update = new PolicyUpdate(policy, reference, optimizer, loss, settings, manager);
        this.settings = settings;
        this.manager = manager;
    }

    public Outcome run(int step) {
        long t0 = System.nanoTime();
        double progress = (step - 1) / (double) Math.max(1, settings.schedule().steps());
        StepPlanner.StepPlan plan = planner.plan(step);
        ScoredBatch drawn = sampleAndScore(plan.groups(), plan, step, Seeds.SAMPLING);
        ScoredBatch batch = drawn;
        ScoredBatch sampled = drawn;
        Map<String, Double> extra = new HashMap<>();
        extra.put("learning_rate", plan.learningRate());
        extra.put("temperature", plan.temperature());
        extra.put("edit_version", (double) plan.editVersion());
        if (plan.lengthBudget() > 0) {
            extra.put("length_budget", (double) plan.lengthBudget());
        }
        extra.put("curriculum_stage", (double) plan.stage());
        extra.put("hinted_groups_frac", plan.groups().stream().filter(g -> g.tier() > 0 || g.hasHintedRollout())
                .count() / (double) plan.groups().size());
        int rounds = Math.max(planner.maxRefillRounds(),
                variantDynamicSampling ? settings.sampling().maxResampleRounds() : 0);
        List<Integer> keptIdx = kept(drawn, drawn.size());
        if (rounds > 0 || keptIdx.size() < drawn.size()) {
            int want = drawn.size();
            Set<String> used = new HashSet<>();
            drawn.examples().forEach(e -> used.add(e.id()));
            ScoredBatch kept = drawn.select(keptIdx);
            for (int round = 1; round <= rounds && kept.size() < want; round++) {
                List<StepPlanner.PlannedGroup> fresh = planner.refill(step, round, used, want - kept.size());
                if (fresh.isEmpty()) {
                    break; // every prompt the curriculum allows was drawn this step
                }
                fresh.forEach(g -> used.add(g.example().id()));
                ScoredBatch more = sampleAndScore(fresh, plan, step, Seeds.RESAMPLE + round);
                sampled = sampled.append(more);
                kept = kept.append(more.select(kept(more, want - kept.size())));
            }
            // nothing informative at all: train on the drawn (zero-gradient) batch, as a plain step would
            batch = kept.size() == 0 ? drawn : kept;
            extra.put("dropped_groups", (double) (sampled.size() - batch.size()));
            extra.put("sampled_groups", (double) sampled.size());
        }
        // which function failed, per function: the Plugins view counts each plugin's own failures from these
        for (List<RewardScorer.Scored> g : sampled.scores()) {
            for (RewardScorer.Scored r : g) {
                r.failures().keySet().forEach(f -> extra.merge(RewardScorer.FAILURES_OF + f, 1.0, Double::sum));
            }
        }
        List<RewardGroup> rewardGroups = rewardGroups(batch);
        List<GroupAdvantages> advantages = advantage.advantages(rewardGroups, progress);
        double[] references = referenceBaselines(batch, plan, step, progress);
        TokenWeights.Result weights = tokenWeights.weigh(policy, manager, batch.rolloutPrompts(), batch.groups(),
                advantages, batch.correct());
        List<float[][]> tokenAdvantages = weights.tokenAdvantages();
        if (settings.signals().topEntropyQuantile() < 1) {
            double threshold = TopEntropyTokens.threshold(batch.groups(), advantages, settings.signals().topEntropyQuantile());
            tokenAdvantages = TopEntropyTokens.filter(batch.groups(), tokenAdvantages, threshold);
            extra.put("entropy_threshold", threshold);
        }
        PolicyUpdate.Result updated = update.run(batch, advantages, tokenAdvantages, step, plan.learningRate(),
                plan.temperature());
        double wallMs = (System.nanoTime() - t0) / 1e6;

        SignFlips.Judgement flips = SignFlips.judge(advantages, references);
        for (int p = 0; p < batch.size(); p++) {
            signFlips.observe(batch.examples().get(p).id(), Arrays.stream(advantages.get(p).rewards()).average().orElse(0));
        }
        extra.putAll(weights.summary());
        extra.put("flip_rate", flips.rate());
        extra.put("flip_counted", (double) flips.counted());
        allWrongWithGradient(batch, advantages).ifPresent(v -> extra.put("all_wrong_nonzero_adv_frac", v));
        List<GroupAdvantages> drawnAdvantages = advantages;
        if (batch != drawn) {
            drawnAdvantages = advantage.advantages(rewardGroups(drawn), progress);
            Outcomes trained = outcomes(batch, advantages);
            extra.put("filtered_reward_mean", trained.rewardMean());
            extra.put("filtered_accuracy", trained.accuracy());
            extra.put("filtered_zero_adv_frac", trained.zeroAdvFrac());
        }
        planner.observe(step, observed(sampled, batch, advantages));
        List<GroupRecord> records = records(step, plan.editVersion(), batch, rewardGroups, advantages, flips,
                tokenAdvantages, weights.thr(), updated);
        return new Outcome(metrics(step, outcomes(drawn, drawnAdvantages), updated, wallMs, extra), records,
                updated.nonFinite());
    }

    /** Indices of the first {@code limit} groups the planner (and the variant's dynamic sampling) keeps. */
    private List<Integer> kept(ScoredBatch b, int limit) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < b.size() && out.size() < limit; p++) {
            PromptSampler.GroupOutcome g = outcome(b, p);
            if (planner.keeps(g) && !(variantDynamicSampling && g.rewardsAllEqual())) {
                out.add(p);
            }
        }
        return out;
    }

    private PromptSampler.GroupOutcome outcome(ScoredBatch b, int p) {
        List<RewardScorer.Scored> g = b.scores().get(p);
        double[] totals = new double[g.size()];
        int correct = 0;
        for (int i = 0; i < totals.length; i++) {
            totals[i] = rewards.total(g.get(i).components());
            correct += g.get(i).verdict() == Verdict.CORRECT ? 1 : 0;
        }
        return new PromptSampler.GroupOutcome(b.examples().get(p), totals, correct, b.plans().get(p).tier());
    }

    /** What the planner learns from the step: every sampled group, trained on or dropped. */
    private List<StepPlanner.Observed> observed(ScoredBatch sampled, ScoredBatch batch,
                                                List<GroupAdvantages> advantages) {
        Map<StepPlanner.PlannedGroup, Integer> trainedAt = new java.util.IdentityHashMap<>();
        for (int p = 0; p < batch.size(); p++) {
            trainedAt.put(batch.plans().get(p), p);
        }
        List<StepPlanner.Observed> out = new ArrayList<>();
        List<boolean[]> correct = sampled.correct();
        for (int p = 0; p < sampled.size(); p++) {
            PromptSampler.GroupOutcome g = outcome(sampled, p);
            Integer at = trainedAt.get(sampled.plans().get(p));
            boolean zero = at != null ? advantages.get(at).allZero() : g.rewardsAllEqual();
            out.add(new StepPlanner.Observed(sampled.plans().get(p), g.rewards(), correct.get(p), zero, at != null));
        }
        return out;
    }

    /**
     * Samples every planned group (groups of one size in one batched call) and scores it. A group with a hinted
     * replacement gets {@code rollouts − 1} rollouts from its own prompt and one from the hinted prompt, last.
     */
    private ScoredBatch sampleAndScore(List<StepPlanner.PlannedGroup> planned, StepPlanner.StepPlan plan, int step,
                                       int purpose) {
        return sampleAndScore(planned, plan, step, purpose, extraRollouts);
    }

    private ScoredBatch sampleAndScore(List<StepPlanner.PlannedGroup> planned, StepPlanner.StepPlan plan, int step,
                                       int purpose, int extraRollouts) {
        SamplingSettings sampling = new SamplingSettings(plan.temperature(), settings.sampling().topP(),
                plan.maxNewTokens(), settings.sampling().kvCache());
        List<Example> examples = planned.stream().map(StepPlanner.PlannedGroup::example).toList();
        List<int[]> prompts = encode(planned.stream().map(StepPlanner.PlannedGroup::prompt).toList(), examples);
        int[] sizes = new int[planned.size()];
        for (int p = 0; p < sizes.length; p++) {
            StepPlanner.PlannedGroup g = planned.get(p);
            sizes[p] = g.rollouts() + extraRollouts - (g.hasHintedRollout() ? 1 : 0);
        }
        List<List<SampledCompletion>> groups = sampleBySize(prompts, sizes, sampling, step, purpose);
        List<List<int[]>> rolloutPrompts = new ArrayList<>();
        List<Integer> hinted = new ArrayList<>();
        for (int p = 0; p < planned.size(); p++) {
            List<int[]> rp = new ArrayList<>();
            for (int i = 0; i < sizes[p]; i++) {
                rp.add(prompts.get(p));
            }
            rolloutPrompts.add(rp);
            if (planned.get(p).hasHintedRollout()) {
                hinted.add(p);
            }
        }
        if (!hinted.isEmpty()) {
            List<int[]> hintedPrompts = encode(hinted.stream().map(p -> planned.get(p).hintedPrompt()).toList(),
                    hinted.stream().map(examples::get).toList());
            List<List<SampledCompletion>> extra = policy.sample(hintedPrompts, 1, sampling,
                    Seeds.derive(settings.schedule().seed(), step, Seeds.HINTED + purpose));
            for (int k = 0; k < hinted.size(); k++) {
                int p = hinted.get(k);
                List<SampledCompletion> g = new ArrayList<>(groups.get(p));
                g.add(extra.get(k).get(0));
                groups.set(p, g);
                rolloutPrompts.get(p).add(hintedPrompts.get(k));
            }
        }
        List<List<String>> texts = decode(groups);
        return new ScoredBatch(examples, prompts, groups, texts, score(examples, groups, texts, plan.lengthBudget()),
                planned, rolloutPrompts);
    }

    /**
     * One batched sampling call per distinct group size; the common case, one size, draws with the same seed as a
     * single call would, so a run without hints or rollout allocation samples exactly as before.
     */
    private List<List<SampledCompletion>> sampleBySize(List<int[]> prompts, int[] sizes, SamplingSettings sampling,
                                                       int step, int purpose) {
        List<List<SampledCompletion>> out = new ArrayList<>(java.util.Collections.nCopies(prompts.size(), null));
        Map<Integer, List<Integer>> bySize = new java.util.LinkedHashMap<>();
        for (int p = 0; p < sizes.length; p++) {
            bySize.computeIfAbsent(sizes[p], k -> new ArrayList<>()).add(p);
        }
        int k = 0;
        for (Map.Entry<Integer, List<Integer>> e : bySize.entrySet()) {
            List<Integer> idx = e.getValue();
            List<List<SampledCompletion>> got = policy.sample(idx.stream().map(prompts::get).toList(), e.getKey(),
                    sampling, Seeds.derive(settings.schedule().seed(), step, Seeds.SIZE * k + purpose));
            for (int j = 0; j < idx.size(); j++) {
                out.set(idx.get(j), got.get(j));
            }
            k++;
        }
        return out;
    }

    private List<int[]> encode(List<String> texts, List<Example> examples) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(policy.encodePrompt(texts.get(i)));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("example '" + examples.get(i).id() + "', field 'prompt': "
                        + ex.getMessage(), ex);
            }
        }
        return out;
    }

    static List<int[]> encodePrompts(PolicyModel policy, List<Example> batch) {
        List<int[]> out = new ArrayList<>(batch.size());
        for (Example e : batch) {
            try {
                out.add(policy.encodePrompt(e.prompt()));
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

    /**
     * Scores every completion of every group in one concurrent, time-boxed batch of reward calls.
     *
     * @throws RewardFailuresException when one function fails on more than {@code reward_failure_pause_share} of them
     */
    private List<List<RewardScorer.Scored>> score(List<Example> batch, List<List<SampledCompletion>> groups,
                                                  List<List<String>> texts, int lengthBudget) {
        List<Example> exs = new ArrayList<>();
        List<String> flatTexts = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            for (int i = 0; i < texts.get(p).size(); i++) {
                exs.add(batch.get(p));
                flatTexts.add(texts.get(p).get(i));
                lengths.add(groups.get(p).get(i).length());
            }
        }
        List<RewardScorer.Scored> flat = rewards.score(exs, flatTexts,
                lengths.stream().mapToInt(Integer::intValue).toArray(), lengthBudget);
        // before anything of the step is applied: a reward failing on most rollouts pauses the run instead
        RewardScorer.requireFailureShareAtMost(flat, settings.schedule().rewardFailurePauseShare());
        List<List<RewardScorer.Scored>> out = new ArrayList<>();
        int k = 0;
        for (List<String> g : texts) {
            out.add(new ArrayList<>(flat.subList(k, k + g.size())));
            k += g.size();
        }
        return out;
    }

    private List<RewardGroup> rewardGroups(ScoredBatch batch) {
        List<RewardGroup> out = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            List<RewardScorer.Scored> g = batch.scores().get(p);
            List<SampledCompletion> cs = batch.groups().get(p);
            double[][] m = new double[g.size()][];
            int[] lengths = new int[g.size()];
            double[] seqLogProbs = new double[g.size()];
            for (int i = 0; i < g.size(); i++) {
                m[i] = g.get(i).components();
                lengths[i] = cs.get(i).length();
                for (float lp : cs.get(i).logProbs()) {
                    seqLogProbs[i] += lp;
                }
            }
            out.add(new RewardGroup(batch.examples().get(p).id(), rewards.componentNames(), m, rewards.weights(),
                    rewards.maxTotal(), batch.texts().get(p), lengths, seqLogProbs, settings.sampling().maxNewTokens()));
        }
        return out;
    }

    /**
     * b_ref per group, NaN where the prompt has none. With {@code pass_rate}, the prompt's running mean of r̃ over its
     * recent visits. With {@code probe}, a prompt without a probe from the last {@code probe_every} steps gets K
     * fresh probe rollouts (own seed, never trained on) from the current policy; the variant's estimator runs on them
     * so that their mean is of r̃, the reward as the estimator sees it (shaped where it shapes), like the rollouts it
     * judges.
     */
    private double[] referenceBaselines(ScoredBatch batch, StepPlanner.StepPlan plan, int step, double progress) {
        double[] out = new double[batch.size()];
        Arrays.fill(out, Double.NaN);
        switch (settings.signals().flipReference()) {
            case "pass_rate" -> {
                for (int p = 0; p < out.length; p++) {
                    OptionalDouble ref = signFlips.passRate(batch.examples().get(p).id());
                    out[p] = ref.isPresent() ? ref.getAsDouble() : Double.NaN;
                }
            }
            case "probe" -> {
                List<Integer> stale = new ArrayList<>();
                for (int p = 0; p < out.length; p++) {
                    if (signFlips.probe(batch.examples().get(p).id(), step).isEmpty()) {
                        stale.add(p);
                    }
                }
                if (!stale.isEmpty()) {
                    // probes judge the policy on the problem itself: no hint, the step's temperature
                    List<StepPlanner.PlannedGroup> plain = batch.select(stale).examples().stream()
                            .map(e -> StepPlanner.PlannedGroup.plain(e, settings.signals().probeRollouts())).toList();
                    ScoredBatch probes = sampleAndScore(plain, plan, step, Seeds.PROBE, 0);
                    List<GroupAdvantages> seen = advantage.advantages(rewardGroups(probes), progress);
                    for (int k = 0; k < stale.size(); k++) {
                        signFlips.recordProbe(probes.examples().get(k).id(), step,
                                Arrays.stream(seen.get(k).rewards()).average().orElse(0));
                    }
                }
                for (int p = 0; p < out.length; p++) {
                    out[p] = signFlips.probe(batch.examples().get(p).id(), step).orElseThrow();
                }
            }
            default -> { } // none
        }
        return out;
    }

    /** What the policy produced for a batch: reward, accuracy and zero-advantage groups. */
    private record Outcomes(double rewardMean, double rewardStd, double accuracy, double zeroAdvFrac, int failures,
                            double entropy, long tokens, int rollouts) {
    }

    private Outcomes outcomes(ScoredBatch batch, List<GroupAdvantages> advantages) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        int verified = 0;
        int correct = 0;
        int failures = 0;
        double entropySum = 0;
        long tokens = 0;
        for (int p = 0; p < batch.size(); p++) {
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
        return new Outcomes(mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                verified == 0 ? Double.NaN : (double) correct / verified, (double) zero / batch.size(), failures,
                tokens == 0 ? 0 : entropySum / tokens, tokens, n);
    }

    private static StepMetrics metrics(int step, Outcomes o, PolicyUpdate.Result update, double wallMs,
                                       Map<String, Double> extra) {
        Map<String, Double> all = new HashMap<>(update.metrics());
        all.putAll(extra);
        double kl = all.getOrDefault("kl", 0.0);
        double clip = all.getOrDefault("clip_frac", 0.0);
        all.remove("kl");
        all.remove("clip_frac");
        all.put("grad_norm", update.gradNorm());
        return new StepMetrics(step, o.rewardMean(), o.rewardStd(), o.accuracy(), update.loss(), kl, o.entropy(), clip,
                o.zeroAdvFrac(), o.tokens() / (wallMs / 1000.0), (double) o.tokens() / o.rollouts(), o.failures(),
                update.nonFinite(), wallMs, new TreeMap<>(all));
    }

    /**
     * Among groups where no rollout is correct, the share whose advantages are not all zero: vanilla GRPO gives such a
     * group no gradient at all, NGRPO's calibration gives it negative advantages.
     */
    private static OptionalDouble allWrongWithGradient(ScoredBatch batch, List<GroupAdvantages> advantages) {
        int allWrong = 0;
        int withGradient = 0;
        for (int p = 0; p < batch.size(); p++) {
            if (batch.scores().get(p).stream().noneMatch(s -> s.verdict() == Verdict.CORRECT)) {
                allWrong++;
                withGradient += advantages.get(p).allZero() ? 0 : 1;
            }
        }
        return allWrong == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) withGradient / allWrong);
    }

    private List<GroupRecord> records(int step, int editVersion, ScoredBatch batch, List<RewardGroup> rewardGroups,
                                      List<GroupAdvantages> advantages, SignFlips.Judgement flips,
                                      List<float[][]> tokenAdvantages, List<float[][]> thr, PolicyUpdate.Result update) {
        List<GroupRecord> out = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            Example ex = batch.examples().get(p);
            StepPlanner.PlannedGroup plan = batch.plans().get(p);
            GroupAdvantages a = advantages.get(p);
            double[] totals = rewardGroups.get(p).totals();
            boolean full = settings.schedule().keepsFullTrace(step, p);
            int size = batch.groups().get(p).size();
            List<RolloutRecord> rs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                SampledCompletion s = batch.groups().get(p).get(i);
                RewardScorer.Scored sc = batch.scores().get(p).get(i);
                TokenTrace trace;
                if (full) {
                    float[] adv = a.keep()[i] ? tokenAdvantages.get(p)[i] : new float[s.length()];
                    float[] tokenThr = thr == null || thr.get(p) == null ? null : thr.get(p)[i];
                    long key = PolicyUpdate.key(p, i);
                    trace = new TokenTrace(s.tokens(), s.logProbs(), s.entropies(), adv,
                            update.currentLogProbs().get(key), update.clipped().get(key), tokenThr);
                } else {
                    trace = TokenTrace.idsOnly(s.tokens()); // thinned: the text stays decodable by its own tokenizer
                }
                boolean hinted = plan.hasHintedRollout() && i == size - 1;
                rs.add(new RolloutRecord(i, batch.texts().get(p).get(i), totals[i], sc.named(), sc.failed(),
                        sc.verdict(), a.advantages()[i], a.keep()[i], s.truncated(), trace, flips.flipped().get(p)[i],
                        hinted ? plan.hintedTier() : plan.tier(),
                        hinted ? policy.renderPrompt(plan.hintedPrompt()) : null));
            }
            out.add(new GroupRecord(p, ex.id(), ex.prompt(), ex.answer(), a.baseline(), rs, plan.tier(),
                    policy.renderPrompt(plan.prompt()), editVersion));
        }
        return out;
    }
}
