package org.grpowb.cli;

import java.io.PrintStream;
import org.grpowb.core.run.StepMetrics;

/** A one-line progress bar on a terminal stream, redrawn in place. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final long t0 = System.nanoTime();
    private String lastEval = "";

    ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    void update(StepMetrics m) {
        int filled = (int) Math.round(WIDTH * (double) m.step() / total);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        out.printf("\r[%s%s] %d/%d  reward %.3f  acc %.1f%%  kl %.4f  %,.0f tok/s  %.0fs%s   ",
                "#".repeat(filled), "-".repeat(WIDTH - filled), m.step(), total, m.rewardMean(), 100 * m.accuracy(),
                m.kl(), m.tokensPerS(), elapsed, lastEval);
        out.flush();
    }

    void eval(int step, double accuracy) {
        lastEval = String.format("  eval@%d %.1f%%", step, 100 * accuracy);
        if (step == 0) {
            out.printf("eval before training: %.1f%%%n", 100 * accuracy);
        }
    }

    void finish() {
        out.println();
    }
}
