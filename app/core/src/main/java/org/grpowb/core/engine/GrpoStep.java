package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * group-relative advantages, update the policy, record.
 *
 * <p>The policy loss and the advantage estimator come from the chosen variant; this class only moves data between
 * them. π_old is the policy that sampled the group: its per-token log-probs are the ones recorded while sampling.
 */
public final class GrpoStep {

    /** What a step produced. {@code nonFinite} is true when the update was skipped for a NaN/infinite loss. */
    public record Outcome(StepMetrics metrics, List<GroupRecord> groups, boolean nonFinite) {
    }

    private final PolicyModel policy;
    private final PolicyModel reference;
    private final AdamOptimizer optimizer;
    private final GroupAdvantage advantage;
    private final PolicyLoss loss;
    private final int extraRollouts;
    private final RewardScorer rewards;
    private final PromptSampler prompts;
    private final TrainingSettings settings;
    private final NDManager manager;

    /**
     * @param reference frozen reference policy π_ref, or null when the variant needs none (β = 0)
     */
    public GrpoStep(PolicyModel policy, PolicyModel reference, AdamOptimizer optimizer, GroupAdvantage advantage,
                    PolicyLoss loss, int extraRollouts, RewardScorer rewards, PromptSampler prompts,
                    TrainingSettings settings, NDManager manager) {
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.advantage = advantage;
        this.loss = loss;
        this.extraRollouts = extraRollouts;
        this.rewards = rewards;
        this.prompts = prompts;
        this.settings = settings;
        this.manager = manager;
    }

    public Outcome run(int step) {
        long t0 = System.nanoTime();
        List<Example> batch = prompts.pick(step);
        List<List<SampledCompletion>> groups = sampleGroups(batch, step);
        List<List<RewardScorer.Scored>> scores = score(batch, groups);
        List<GroupAdvantages> advantages = advantage.advantages(rewardGroups(batch, scores));
        Update update = updatePolicy(batch, groups, advantages);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        return new Outcome(metrics(step, groups, scores, advantages, update, wallMs),
                records(batch, groups, scores, advantages), update.nonFinite);
    }

    private List<List<SampledCompletion>> sampleGroups(List<Example> batch, int step) {
        SamplingSettings sampling = new SamplingSettings(settings.temperature(), settings.topP(),
                settings.maxNewTokens(), settings.kvCache());
        return policy.sample(encodePrompts(policy, batch), settings.groupSize() + extraRollouts, sampling,
                Seeds.derive(settings.seed(), step, Seeds.SAMPLING));
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

    private List<List<RewardScorer.Scored>> score(List<Example> batch, List<List<SampledCompletion>> groups) {
        List<Example> exs = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            for (SampledCompletion c : groups.get(p)) {
                exs.add(batch.get(p));
                texts.add(policy.codec().decode(c.tokens()));
            }
        }
        List<RewardScorer.Scored> flat = rewards.score(exs, texts);
        List<List<RewardScorer.Scored>> out = new ArrayList<>();
        int k = 0;
        for (List<SampledCompletion> g : groups) {
            out.add(new ArrayList<>(flat.subList(k, k + g.size())));
            k += g.size();
        }
        return out;
    }

    private List<RewardGroup> rewardGroups(List<Example> batch, List<List<RewardScorer.Scored>> scores) {
        List<RewardGroup> out = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            List<RewardScorer.Scored> g = scores.get(p);
            double[][] m = new double[g.size()][];
            for (int i = 0; i < g.size(); i++) {
                m[i] = g.get(i).components();
            }
            out.add(new RewardGroup(batch.get(p).id(), rewards.componentNames(), m, rewards.weights(), rewards.maxTotal()));
        }
        return out;
    }

    /** Losses and diagnostics of the update, averaged over micro-batches and the μ iterations. */
    private record Update(double loss, Map<String, Double> metrics, boolean nonFinite, double gradNorm) {
    }

    private Update updatePolicy(List<Example> batch, List<List<SampledCompletion>> groups,
                                List<GroupAdvantages> advantages) {
        // Rows that enter the loss: every kept rollout, its prompt, its completion, its advantage.
        List<int[]> promptRows = new ArrayList<>();
        List<int[]> completionRows = new ArrayList<>();
        List<float[]> oldRows = new ArrayList<>();
        List<Double> advRows = new ArrayList<>();
        List<int[]> encoded = encodePrompts(policy, batch);
        for (int p = 0; p < batch.size(); p++) {
            GroupAdvantages a = advantages.get(p);
            for (int i = 0; i < groups.get(p).size(); i++) {
                if (!a.keep()[i] || groups.get(p).get(i).length() == 0) {
                    continue;
                }
                promptRows.add(encoded.get(p));
                completionRows.add(groups.get(p).get(i).tokens());
                oldRows.add(groups.get(p).get(i).logProbs());
                advRows.add(a.advantages()[i]);
            }
        }
        if (promptRows.isEmpty()) {
            return new Update(0.0, Map.of(), false, 0.0);
        }
        long activeTokens = completionRows.stream().mapToLong(r -> r.length).sum();
        int n = promptRows.size();
        int micro = Math.max(1, settings.microBatch());

        double lossSum = 0;
        Map<String, Double> metricSums = new HashMap<>();
        double gradNorm = 0;
        boolean nonFinite = false;
        for (int iter = 0; iter < settings.updateIterations() && !nonFinite; iter++) {
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
                        NDArray adv = mb.create(advRows.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray())
                                .toType(dt, false).reshape(shape.get(0), 1).mul(cur.mask());
                        PolicyLossOutput out = loss.loss(new PolicyLossInput(cur.logProbs(), old, ref, adv, cur.mask(),
                                settings.groupSize(), settings.maxNewTokens(), activeTokens, n));
                        double value = out.loss().toType(DataType.FLOAT64, false).getDouble();
                        if (!Double.isFinite(value)) {
                            nonFinite = true;
                            break;
                        }
                        tape.backward(out.loss());
                        iterLoss += value;
                        double weight = (double) (to - from) / n / settings.updateIterations();
                        out.metrics().forEach((k, v) -> metricSums.merge(k, v * weight, Double::sum));
                    }
                }
            }
            if (nonFinite) {
                optimizer.zeroGradients();
                break;
            }
            gradNorm = optimizer.step(settings.learningRate(), settings.maxGradNorm());
            lossSum += iterLoss;
        }
        double lossMean = nonFinite ? Double.NaN : lossSum / settings.updateIterations();
        return new Update(lossMean, metricSums, nonFinite, gradNorm);
    }

    private static NDArray padded(NDManager m, List<float[]> rows, Shape shape, DataType dt) {
        int b = (int) shape.get(0);
        int t = (int) shape.get(1);
        float[] flat = new float[b * t];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i);
            System.arraycopy(r, 0, flat, i * t, Math.min(r.length, t));
        }
        return m.create(flat, new Shape(b, t)).toType(dt, false);
    }

    private StepMetrics metrics(int step, List<List<SampledCompletion>> groups, List<List<RewardScorer.Scored>> scores,
                                List<GroupAdvantages> advantages, Update update, double wallMs) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        int verified = 0;
        int correct = 0;
        int failures = 0;
        double entropySum = 0;
        long tokens = 0;
        for (int p = 0; p < groups.size(); p++) {
            for (int i = 0; i < groups.get(p).size(); i++) {
                RewardScorer.Scored s = scores.get(p).get(i);
                double r = rewards.total(s.components());
                sum += r;
                sq += r * r;
                n++;
                if (s.verdict() != Verdict.UNVERIFIED) {
                    verified++;
                    correct += s.verdict() == Verdict.CORRECT ? 1 : 0;
                }
                failures += s.failed() ? 1 : 0;
                SampledCompletion c = groups.get(p).get(i);
                for (float e : c.entropies()) {
                    entropySum += e;
                }
                tokens += c.length();
            }
        }
        long zero = advantages.stream().filter(GroupAdvantages::allZero).count();
        double mean = sum / n;
        Map<String, Double> extra = new HashMap<>(update.metrics());
        double kl = extra.getOrDefault("kl", 0.0);
        double clip = extra.getOrDefault("clip_frac", 0.0);
        extra.remove("kl");
        extra.remove("clip_frac");
        extra.put("grad_norm", update.gradNorm());
        return new StepMetrics(step, mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                verified == 0 ? Double.NaN : (double) correct / verified, update.loss(), kl,
                tokens == 0 ? 0 : entropySum / tokens, clip, (double) zero / groups.size(),
                tokens / (wallMs / 1000.0), (double) tokens / n, failures, update.nonFinite(), wallMs,
                new java.util.TreeMap<>(extra));
    }

    private List<GroupRecord> records(List<Example> batch, List<List<SampledCompletion>> groups,
                                      List<List<RewardScorer.Scored>> scores, List<GroupAdvantages> advantages) {
        List<GroupRecord> out = new ArrayList<>();
        for (int p = 0; p < batch.size(); p++) {
            Example ex = batch.get(p);
            GroupAdvantages a = advantages.get(p);
            List<RolloutRecord> rs = new ArrayList<>();
            for (int i = 0; i < groups.get(p).size(); i++) {
                SampledCompletion c = groups.get(p).get(i);
                RewardScorer.Scored s = scores.get(p).get(i);
                float[] adv = new float[c.length()];
                java.util.Arrays.fill(adv, a.keep()[i] ? (float) a.advantages()[i] : 0f);
                rs.add(new RolloutRecord(i, policy.codec().decode(c.tokens()), rewards.total(s.components()),
                        s.named(), s.failed(), s.verdict(), a.advantages()[i], a.keep()[i], c.truncated(),
                        new TokenTrace(c.tokens(), c.logProbs(), c.entropies(), adv)));
            }
            out.add(new GroupRecord(p, ex.id(), ex.prompt(), ex.answer(), a.baseline(), rs));
        }
        return out;
    }
}
