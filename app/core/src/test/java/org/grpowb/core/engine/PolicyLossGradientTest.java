package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenScores;
import org.grpowb.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

/**
 * The whole chain a GRPO update differentiates — tiny transformer, per-token log-probs, clipped surrogate with the
 * k3 KL — checked against central finite differences with respect to the model's own weights, in float64.
 */
class PolicyLossGradientTest {

    @Test
    void grpoLossGradientMatchesFiniteDifferencesOnATinyModel() {
        PluginRegistry plugins = PluginRegistry.discover();
        var factory = plugins.model("tiny-gpt");
        Settings ms = Settings.resolve(factory.settings(),
                Map.of("layers", 1, "width", 8, "heads", 2, "context", 12, "dtype", "float64", "init_std", 0.3), "test");
        GrpoVariant grpo = plugins.variant("grpo");
        Settings vs = Settings.resolve(grpo.settings(), Map.of("beta", 0.1, "epsilon", 0.2), "test");
        PolicyLoss loss = grpo.loss(vs);
        List<int[]> prompts = List.of(new int[]{19, 13, 20, 31}, new int[]{21, 13, 19, 31});
        List<int[]> completions = List.of(new int[]{22, 0}, new int[]{23, 24, 0});
        try (NDManager m = NDManager.newBaseManager()) {
            PolicyModel policy = factory.create(m, ms, 11);
            PolicyModel old = factory.create(m, ms, 12);
            PolicyModel ref = factory.create(m, ms, 13);
            NDArray oldLp = old.score(m, prompts, completions).logProbs();
            NDArray refLp = ref.score(m, prompts, completions).logProbs();
            NDArray adv = m.create(new double[][]{{1.5, 1.5, 0}, {-0.7, -0.7, -0.7}});

            java.util.function.DoubleSupplier value = () -> {
                try (NDManager sub = m.newSubManager()) {
                    TokenScores s = policy.score(sub, prompts, completions);
                    return lossOf(loss, s, oldLp, refLp, adv).getDouble();
                }
            };
            try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                TokenScores s = policy.score(m, prompts, completions);
                tape.backward(lossOf(loss, s, oldLp, refLp, adv));
            }
            int checked = 0;
            for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
                NDArray p = e.getValue();
                double[] w = p.toDoubleArray();
                double[] g = p.getGradient().toDoubleArray();
                for (int idx : new int[]{0, w.length / 2, w.length - 1}) {
                    double h = 1e-6;
                    double orig = w[idx];
                    w[idx] = orig + h;
                    p.set(w);
                    double up = value.getAsDouble();
                    w[idx] = orig - h;
                    p.set(w);
                    double down = value.getAsDouble();
                    w[idx] = orig;
                    p.set(w);
                    double fd = (up - down) / (2 * h);
                    double err = Math.abs(fd - g[idx]) / Math.max(1e-6, Math.abs(fd) + Math.abs(g[idx]));
                    assertTrue(err < 1e-5 || Math.abs(fd - g[idx]) < 1e-9,
                            e.getKey() + "[" + idx + "]: autograd " + g[idx] + " vs finite difference " + fd);
                    checked++;
                }
            }
            assertTrue(checked >= 15, "checked " + checked + " weights");
        }
    }

    private static NDArray lossOf(PolicyLoss loss, TokenScores s, NDArray old, NDArray ref, NDArray adv) {
        NDArray a = adv.mul(s.mask());
        return loss.loss(new PolicyLossInput(s.logProbs(), old, ref, a, s.mask(), 2, 3, 5, 2)).loss()
                .toType(DataType.FLOAT64, false);
    }
}
