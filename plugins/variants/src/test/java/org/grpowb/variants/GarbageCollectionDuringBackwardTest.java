package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered loss survives a garbage collection between its forward and its backward pass.
 *
 * <p>The trap: DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)} … wrap the number in a 0-d tensor
 * over a Java direct buffer and close it right after the op, while autograd keeps that tensor for backward. Once the
 * buffer is collected, its 8 bytes go back to malloc and the next small direct allocation reuses them, so backward
 * reads whatever was written there. Here the forward pass runs, then many small direct arrays holding {@link #JUNK}
 * are allocated and closed amid collections, then backward runs: a loss with a Java number on its tape reads the junk
 * (or freed memory) and its gradient moves; a loss whose scalars live in PyTorch memory ({@link org.grpowb.api.OwnedArrays}) gives the
 * gradient of an undisturbed run, to 1e-6 relative.
 */
class GarbageCollectionDuringBackwardTest {

    /** What the reused memory will hold: far from any count or coefficient a loss divides or multiplies by. */
    private static final double JUNK = 7.0e5;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    /**
     * Every variant's loss with its default settings (and, where β defaults to 0, once more with β = 0.1 so that the
     * KL term is on the tape too), then each {@code loss_type} of the clipped token loss.
     */
    static Stream<Arguments> losses() {
        List<Arguments> out = new ArrayList<>();
        for (GrpoVariant v : ServiceLoader.load(GrpoVariant.class)) {
            Settings defaults = Settings.resolve(v.settings(), Map.of(), v.name());
            out.add(Arguments.of(v.name(), v.loss(defaults)));
            boolean hasBeta = v.settings().stream().map(SettingSpec::name).anyMatch("beta"::equals);
            if (hasBeta && defaults.number("beta") == 0) {
                out.add(Arguments.of(v.name() + " β=0.1",
                        v.loss(Settings.resolve(v.settings(), Map.of("beta", 0.1), v.name()))));
            }
        }
        for (LossAggregation a : LossAggregation.values()) {
            out.add(Arguments.of("clipped token loss, " + a.settingValue(), new ClippedTokenLoss(0.2, 0.28, 0.1, a)));
        }
        return out.stream();
    }

    /**
     * Three completions with differing per-token advantages; each row's tokens sit on both sides of 1 and each row's
     * sequence ratio lies where the pessimistic bound keeps its gradient (s &lt; 1 with A &gt; 0, s &gt; 1 with A &lt; 0),
     * so that every loss's backward reads its scalars. A reference and entropies are given for the losses that use them.
     */
    private static MicroBatch batch() {
        MicroBatch b = MicroBatch.completions(4, 2, 3).paddedTo(4)
                .logProbsFrom(-0.5)
                .logRatios(new double[]{-0.3, 0.3, -0.2},
                        new double[][]{{0.1, -0.1, 0.2, -0.2}, {0.05, -0.05, 0, 0}, {0.1, 0, -0.1, 0}})
                .reference(-0.3, 0.2, 0.5, -0.05)
                .entropies(new double[][]{{0.5, 1.5, 1.0, 0.2}, {0.4, 0.8, 0, 0}, {0.3, 0.9, 0.6, 0}})
                .advantages(1.2, -0.7, 0.4)
                .groupSize(3).maxCompletionLength(5)
                .build();
        return b.withAdvantages(new double[][]{{1.2, 0.9, 1.5, 1.0}, {-0.7, -0.4, 0, 0}, {0.4, 0.2, 0.6, 0}});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void theGradientIsTheSameWithACollectionBeforeBackward(String name, PolicyLoss loss) throws InterruptedException {
        MicroBatch batch = batch();
        double[] undisturbed = fixture.autograd(loss, batch).gradient();

        NDArray logProbs = fixture.manager().create(batch.logProbs());
        logProbs.setRequiresGradient(true);
        double[] disturbed;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = loss.loss(fixture.input(batch, logProbs));
            List<NDArray> reused = provokeCollection(fixture.manager());
            try {
                gc.backward(out.loss());
            } finally {
                reused.forEach(NDArray::close);
            }
            disturbed = logProbs.getGradient().toDoubleArray();
        }

        double scale = 0;
        for (double g : undisturbed) {
            scale = Math.max(scale, Math.abs(g));
        }
        assertTrue(scale > 0, name + ": the batch must give a gradient to compare");
        for (int k = 0; k < undisturbed.length; k++) {
            assertTrue(Double.isFinite(disturbed[k]), name + ": gradient at " + k + " is " + disturbed[k]);
            assertEquals(undisturbed[k], disturbed[k], 1e-6 * Math.max(Math.abs(undisturbed[k]), 1e-3 * scale),
                    name + ": gradient at " + k);
        }
    }

    /**
     * Rounds of small direct allocations, closed, many short-lived Java objects, a collection and a pause for the
     * cleaner thread to free direct buffers; then one more batch of small direct arrays, left open (the caller closes
     * them after backward) so that whatever memory the collections freed is written with {@link #JUNK}.
     */
    private static List<NDArray> provokeCollection(NDManager manager) throws InterruptedException {
        long checksum = 0;
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 2_000; k++) {
                manager.create(JUNK).close();
                manager.create(new double[]{JUNK}).close();
            }
            List<long[]> objects = new ArrayList<>();
            for (int k = 0; k < 50_000; k++) {
                objects.add(new long[]{k, round});
            }
            checksum += objects.size();
            System.gc();
            System.runFinalization();
            Thread.sleep(20);
        }
        assertEquals(200_000, checksum);
        List<NDArray> reused = new ArrayList<>();
        for (int k = 0; k < 4_000; k++) {
            reused.add(manager.create(JUNK));
        }
        return reused;
    }
}
