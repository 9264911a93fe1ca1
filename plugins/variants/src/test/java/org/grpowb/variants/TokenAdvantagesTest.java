package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered variant says it honours per-token advantages ({@link GrpoVariant#tokenAdvantages}, which lets the
 * engine run THR reweighting and {@code top_entropy_quantile} with it), and its loss does. The batch is on-policy
 * (log π_θ = log π_old = log π_ref), so no clip is active, every ratio is 1, and the terms that do not depend on the
 * advantage vanish (k3 KL, OPMD's regulariser, LLDS's penalty). A completion of two tokens then gets, from every loss
 * here, the same gradient on both tokens when both have the advantage 1, and a steeper push on the first when the
 * advantages are 2 and 0 — whose row mean is 1, so a loss that averaged the advantages back into one per sequence
 * would not tell the two batches apart. The exact per-token numbers are each loss's own test.
 */
class TokenAdvantagesTest {

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    static Stream<GrpoVariant> variants() {
        return ServiceLoader.load(GrpoVariant.class).stream().map(ServiceLoader.Provider::get);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void theLossGivesEachTokenItsOwnAdvantage(GrpoVariant variant) {
        Settings defaults = Settings.resolve(variant.settings(), Map.of(), variant.name());
        assertTrue(variant.tokenAdvantages(defaults), variant.name() + " must honour per-token advantages");

        double[] rowMean = gradient(variant.loss(defaults), new double[][]{{1, 1}, {-1, 0}});
        assertEquals(rowMean[0], rowMean[1], 1e-12, variant.name() + ": equal advantages, equal gradients");
        assertTrue(rowMean[0] < 0, variant.name() + ": a positive advantage pushes the token up");

        double[] perToken = gradient(variant.loss(defaults), new double[][]{{2, 0}, {-1, 0}});
        assertTrue(perToken[0] < perToken[1] - 1e-6 * Math.abs(rowMean[0]), variant.name()
                + ": the token with A = 2 must be pushed up more than the one with A = 0, got " + perToken[0] + " and "
                + perToken[1]);
        assertTrue(perToken[2] > 0, variant.name() + ": the token with A = −1 is pushed down, got " + perToken[2]);
        assertEquals(0.0, perToken[3], 0.0, variant.name() + ": padding gets no gradient");
    }

    /** Completion 0 has two tokens, completion 1 one token and padding; on-policy, the reference at the same place. */
    private double[] gradient(PolicyLoss loss, double[][] advantages) {
        double[][] logp = {{-0.7, -1.2}, {-0.9, 0}};
        double[][] old = {{-0.7, -1.2}, {-0.9, Double.NEGATIVE_INFINITY}};
        MicroBatch batch = MicroBatch.of(logp, old, advantages, new double[][]{{1, 1}, {1, 0}}, 2, 2, 3, 2)
                .withReference(logp).withEntropies(new double[][]{{0.5, 1.0}, {0.3, 0}});
        return fixture.autograd(loss, batch).gradient();
    }
}
