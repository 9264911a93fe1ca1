package org.grpowb.desktop.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of {@code --bench-frames}, from flags of the form {@code --name=value}; unknown flags are refused so that
 * a typo does not silently measure the defaults.
 *
 * @param json          also print one JSON line
 * @param pulseLog      read Prism's render times from JavaFX's pulse logger
 * @param rollouts      rollouts of the inspector's step
 * @param tokens        tokens per rollout
 * @param scrollPx      pixels the rollout list scrolls each frame
 * @param checkpoints   series sizes at which the dashboard is measured, ascending; the last is the run's length
 * @param stepsPerFrame steps a live run delivers per frame
 * @param windowFrames  frames measured at each checkpoint
 * @param liveSeconds   seconds of frames measured in the real window while it trains the sample project (0: skip)
 */
record BenchOptions(boolean json, boolean pulseLog, int rollouts, int tokens, double scrollPx, int[] checkpoints,
                    int stepsPerFrame, int windowFrames, int liveSeconds) {

    static final BenchOptions DEFAULTS = new BenchOptions(false, true, 1_000, 100, 250,
            new int[] {1_000, 10_000, 50_000, 100_000}, 4, 120, 20);

    static BenchOptions parse(List<String> args) {
        BenchOptions o = DEFAULTS;
        for (String a : args) {
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            o = switch (name) {
                case FrameBench.FLAG, "--out" -> o; // --out is read by out()
                case "--json" -> new BenchOptions(true, o.pulseLog, o.rollouts, o.tokens, o.scrollPx, o.checkpoints,
                        o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--no-pulse-log" -> new BenchOptions(o.json, false, o.rollouts, o.tokens, o.scrollPx,
                        o.checkpoints, o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--rollouts" -> new BenchOptions(o.json, o.pulseLog, positive(a, value), o.tokens, o.scrollPx,
                        o.checkpoints, o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--tokens" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, positive(a, value), o.scrollPx,
                        o.checkpoints, o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--scroll-px" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, o.tokens, positive(a, value),
                        o.checkpoints, o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--points" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, o.tokens, o.scrollPx,
                        checkpoints(a, value), o.stepsPerFrame, o.windowFrames, o.liveSeconds);
                case "--steps-per-frame" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, o.tokens, o.scrollPx,
                        o.checkpoints, positive(a, value), o.windowFrames, o.liveSeconds);
                case "--window-frames" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, o.tokens, o.scrollPx,
                        o.checkpoints, o.stepsPerFrame, positive(a, value), o.liveSeconds);
                case "--live-seconds" -> new BenchOptions(o.json, o.pulseLog, o.rollouts, o.tokens, o.scrollPx,
                        o.checkpoints, o.stepsPerFrame, o.windowFrames, nonNegative(a, value));
                default -> throw new IllegalArgumentException("unknown option " + a + "; known: --json, --no-pulse-log,"
                        + " --rollouts=N, --tokens=N, --scroll-px=N, --points=N,N,..., --steps-per-frame=N,"
                        + " --window-frames=N, --live-seconds=N, --out=FILE");
            };
        }
        return o;
    }

    /** The report's file: the last {@code --out=FILE}, else {@code frame-bench.txt} in the working directory. */
    static Path out(List<String> args) {
        Path out = Path.of("frame-bench.txt");
        for (String a : args) {
            if (a.startsWith("--out=") && a.length() > "--out=".length()) {
                out = Path.of(a.substring("--out=".length()));
            }
        }
        return out;
    }

    private static int nonNegative(String arg, String value) {
        return "0".equals(value.trim()) ? 0 : positive(arg, value);
    }

    private static int positive(String arg, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument that caused it
        }
        throw new IllegalArgumentException(arg + ": expected a positive whole number");
    }

    private static int[] checkpoints(String arg, String value) {
        int[] c = Arrays.stream(value.split(",")).mapToInt(v -> positive(arg, v.trim())).toArray();
        for (int i = 1; i < c.length; i++) {
            if (c[i] <= c[i - 1]) {
                throw new IllegalArgumentException(arg + ": checkpoints must ascend");
            }
        }
        return c;
    }
}
