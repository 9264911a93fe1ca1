package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.grpowb.api.DifferentiableScores;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.TokenScores;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.SftSettings;

/**
 * Supervised warm start: teacher-forced next-token training on (prompt, answer + EOS) pairs of the training split,
 * from random weights made from the model's settings or, when the project names one ({@code sft.from}), from a model
 * folder: a Hugging Face model is its folder, so its warm start begins from one (say, random weights written by
 * {@code grpowb model init}) and is saved in that folder's format. It makes the base policy weak but not hopeless, so
 * that GRPO's groups carry signal from the first step (a random policy almost never answers, and every group would
 * have zero advantage).
 */
public final class WarmStart {

    /** Result of a warm start. */
    public record Result(Path checkpoint, double finalNll, double evalAccuracy, double wallSeconds) {
    }

    private final Project project;

    public WarmStart(Project project) {
        this.project = project;
    }

    private PolicyModel startingPolicy(NDManager base, SftSettings s) throws IOException {
        Project.ModelChoice m = project.model();
        if (s.from() == null) {
            try {
                return m.factory().create(base, m.settings(), Seeds.derive(s.seed(), 0, Seeds.INIT));
            } catch (IllegalArgumentException noArchitecture) {
                throw new IllegalArgumentException(project.file() + ": field 'sft.from': model '"
                        + m.factory().name() + "' cannot start from its settings alone (" + noArchitecture.getMessage()
                        + "); name a model folder to begin from, e.g. one written by `grpowb model init`",
                        noArchitecture);
            }
        }
        if (!Files.isDirectory(s.from())) {
            throw new IllegalArgumentException(project.file() + ": field 'sft.from': no model folder at " + s.from());
        }
        return m.factory().load(base, s.from(), m.settings());
    }

    /**
     * Trains and saves the policy to {@code output} (the project's {@code model.init} when null).
     *
     * @param progress receives the 1-based step after each step
     */
    public Result run(Path output, IntConsumer progress) throws IOException {
        GradMode.offForThisThread();
        long t0 = System.nanoTime();
        SftSettings s = project.sft();
        Path out = output != null ? output : project.model().init();
        if (out == null) {
            throw new IllegalArgumentException(project.file() + ": field 'model.init': name the folder the warm start writes to");
        }
        Random rng = new Random(Seeds.derive(s.seed(), 0, Seeds.SFT));
        List<Example> train = project.data().train();
        double nll = Double.NaN;
        try (NDManager base = NDManager.newBaseManager(ComputeDevice.current().device());
             RewardScorer rewards = new RewardScorer(project.rewards(), project.training().schedule().rewardTimeoutMs())) {
            PolicyModel policy = startingPolicy(base, s);
            AdamOptimizer opt = new AdamOptimizer(policy.parameters());
            for (int step = 1; step <= s.steps(); step++) {
                List<Example> batch = new ArrayList<>(s.batch());
                for (int i = 0; i < s.batch(); i++) {
                    batch.add(train.get(rng.nextInt(train.size())));
                }
                List<int[]> prompts = GrpoStep.encodePrompts(policy, batch);
                List<int[]> targets = new ArrayList<>();
                for (Example e : batch) {
                    int[] a = policy.codec().encode(e.answer());
                    int[] withEos = java.util.Arrays.copyOf(a, a.length + 1);
                    withEos[a.length] = policy.codec().eosId();
                    targets.add(withEos);
                }
                try (NDManager mb = base.newSubManager();
                     GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                    DifferentiableScores scored = policy.scoreForUpdate(mb, prompts, targets, 1.0);
                    TokenScores sc = scored.values();
                    NDArray tokens = sc.mask().sum();
                    nll = sc.logProbs().mul(sc.mask()).sum().neg().div(tokens).toType(DataType.FLOAT64, false)
                            .getDouble();
                    // the mean negative log-likelihood over N tokens has ∂/∂log π = −1/N at each of them
                    scored.backward(tape, sc.mask().div(tokens).neg());
                }
                opt.step(s.learningRate(), 1.0);
                progress.accept(step);
            }
            policy.save(out);
            double acc = new Evaluator(project.data().eval(), project.training().schedule().evalExamples(), rewards,
                    project.training().sampling().maxNewTokens()).accuracy(policy);
            policy.close();
            return new Result(out, nll, acc, (System.nanoTime() - t0) / 1e9);
        }
    }
}
