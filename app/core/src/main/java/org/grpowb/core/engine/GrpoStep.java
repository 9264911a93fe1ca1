package org.grpowb.core.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.grpowb.api.Example;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyModel;
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
    private final DynamicSampling dynamicSampling;
    private final RewardScorer rewards;
    private final PromptSampler prompts;
    private final SignFlips signFlips;
    private final TokenWeights tokenWeights;
    private final PolicyUpdate update;
    private final TrainingSettings settings;
    private final NDManager manager;

    /**
     * @param reference frozen reference policy π_ref, or null when the variant needs none (β = 0)
     */
    public GrpoStep(PolicyModel policy, PolicyModel reference, AdamOptimizer optimizer, GroupAdvantage advantage,
                    PolicyLoss loss, int extraRollouts, boolean dynamicSampling, RewardScorer rewards,
                    List<Example> trainSet, SignFlips signFlips, TrainingSettings settings, NDManager manager) {
        this.policy = policy;
        this.advantage = advantage;
        this.extraRollouts = extraRollouts;
        this.dynamicSampling = dynamicSampling
                ? new DynamicSampling(trainSet, rewards, settings.sampling().maxResampleRounds(), settings.schedule().seed()) : null;
        this.rewards = rewards;
        this.prompts = new PromptSampler(trainSet, settings.schedule().seed(), settings.sampling().promptsPerStep());
        this.signFlips = signFlips;
        this.tokenWeights = new TokenWeights(settings);
        this.update = new PolicyUpdate(policy, reference, optimizer, loss, settings, manager);
        this.settings = settings;
        this.manager = manager;
    }

    public Outcome run(int step) {
        long t0 = System.nanoTime();
        double progress = (step - 1) / (double) Math.max(1, settings.schedule().steps());
        ScoredBatch drawn = sampleAndScore(prompts.pick(step), step, Seeds.SAMPLING);
        ScoredBatch batch = drawn;
        Map<String, Double> extra = new HashMap<>();
        if (dynamicSampling != null) {
            DynamicSampling.Filtered f = dynamicSampling.refill(drawn, step, (ex, purpose) -> sampleAndScore(ex, step, purpose));
            batch = f.batch();
            extra.put("dropped_groups", (double) f.dropped());
            extra.put("sampled_groups", (double) f.sampled());
        }
        List<RewardGroup> rewardGroups = rewardGroups(batch);
        List<GroupAdvantages> advantages = advantage.advantages(rewardGroups, progress);
        double[] references = referenceBaselines(batch, step, progress);
        TokenWeights.Result weights = tokenWeights.weigh(policy, manager, batch.prompts(), batch.groups(), advantages,
                batch.correct());
        List<float[][]> tokenAdvantages = weights.tokenAdvantages();
        if (settings.signals().topEntropyQuantile() < 1) {
            double threshold = TopEntropyTokens.threshold(batch.groups(), advantages, settings.signals().topEntropyQuantile());
            tokenAdvantages = TopEntropyTokens.filter(batch.groups(), tokenAdvantages, threshold);
            extra.put("entropy_threshold", threshold);
        }
        PolicyUpdate.Result updated = update.run(batch, advantages, tokenAdvantages, step);
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
        if (dynamicSampling != null) {
            drawnAdvantages = advantage.advantages(rewardGroups(drawn), progress);
            Outcomes trained = outcomes(batch, advantages);
            extra.put("filtered_reward_mean", trained.rewardMean());
            extra.put("filtered_accuracy", trained.accuracy());
            extra.put("filtered_zero_adv_frac", trained.zeroAdvFrac());
        }
        List<GroupRecord> records = records(batch, rewardGroups, advantages, flips, tokenAdvantages, weights.thr(),
                updated);
        return new Outcome(metrics(step, outcomes(drawn, drawnAdvantages), updated, wallMs, extra), records,
                updated.nonFinite());
    }

    private ScoredBatch sampleAndScore(List<Example> examples, int step, int purpose) {
        return sampleAndScore(examples, settings.sampling().groupSize() + extraRollouts, step, purpose);
    }

    private ScoredBatch sampleAndScore(List<Example> examples, int groupSize, int step, int purpose) {
        SamplingSettings sampling = new SamplingSettings(settings.sampling().temperature(), settings.sampling().topP(),
                settings.sampling().maxNewTokens(), settings.sampling().kvCache());
        List<int[]> prompts = encodePrompts(policy, examples);
        List<List<SampledCompletion>> groups = policy.sample(prompts, groupSize, sampling,
                Seeds.derive(settings.schedule().seed(), step, purpose));
        List<List<String>> texts = decode(groups);
        return new ScoredBatch(examples, prompts, groups, texts, score(examples, texts));
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
    private double[] referenceBaselines(ScoredBatch batch, int step, double progress) {
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
                    ScoredBatch probes = sampleAndScore(batch.select(stale).examples(), settings.signals().probeRollouts(), step,
                            Seeds.PROBE);
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

    private List<GroupRecord> records(ScoredBatch batch, List<RewardGroup> rewardGroups,
                                      List<GroupAdvantages> advantages, SignFlips.Judgement flips,
                                      List<float[][]> tokenAdvantages, List<float[][]> thr, PolicyUpdate.Result update) {
        List<GroupRecord> out = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            Example ex = batch.examples().get(p);
            GroupAdvantages a = advantages.get(p);
            double[] totals = rewardGroups.get(p).totals();
            List<RolloutRecord> rs = new ArrayList<>();
            for (int i = 0; i < batch.groups().get(p).size(); i++) {
                SampledCompletion s = batch.groups().get(p).get(i);
                RewardScorer.Scored sc = batch.scores().get(p).get(i);
                float[] adv = a.keep()[i] ? tokenAdvantages.get(p)[i] : new float[s.length()];
                float[] tokenThr = thr == null || thr.get(p) == null ? null : thr.get(p)[i];
                long key = PolicyUpdate.key(p, i);
                TokenTrace trace = new TokenTrace(s.tokens(), s.logProbs(), s.entropies(), adv,
                        update.currentLogProbs().get(key), update.clipped().get(key), tokenThr);
                rs.add(new RolloutRecord(i, batch.texts().get(p).get(i), totals[i], sc.named(), sc.failed(),
                        sc.verdict(), a.advantages()[i], a.keep()[i], s.truncated(), trace, flips.flipped().get(p)[i]));
            }
            out.add(new GroupRecord(p, ex.id(), ex.prompt(), ex.answer(), a.baseline(), rs));
        }
        return out;
    }
}
