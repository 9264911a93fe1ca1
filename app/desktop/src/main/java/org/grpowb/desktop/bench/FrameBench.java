package org.grpowb.desktop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --bench-frames}: frame times of the live views in a real window under the real pulse loop — the token
 * inspector scrolling a 100k-token step ({@link InspectorScroll}), the dashboard while a run grows to 100,000
 * points per series ({@link DashboardRun}), and the real window while it trains the sample project
 * ({@link LiveRun}). Writes a table (and with {@code --json} one JSON line) to the file
 * {@code --out=FILE} names ({@code frame-bench.txt} by default): only the command line writes to standard streams, so
 * {@code ./grpowb bench-frames} prints the file when the window has closed.
 */
public final class FrameBench extends Application {
    public static final String FLAG = "--bench-frames";
    static final double WIDTH = 1400;
    static final double HEIGHT = 900;

    private static final Logger LOG = LoggerFactory.getLogger(FrameBench.class);
    private static volatile Throwable failure;

    /** Runs the benchmark and returns when it is done; call from {@code main}, before JavaFX has started. */
    public static void run(String[] args) {
        BenchOptions options = BenchOptions.parse(Arrays.asList(args));
        if (options.pulseLog()) {
            PulseLog.request();
        }
        Application.launch(FrameBench.class, args);
        if (failure != null) {
            LOG.error("the frame benchmark failed", failure);
            System.exit(1);
        }
    }

    @Override
    public void start(Stage stage) {
        BenchOptions o = BenchOptions.parse(getParameters().getRaw());
        PulseLog log = o.pulseLog() ? PulseLog.install() : null;
        if (log != null) {
            log.fxThread(Thread.currentThread().getId());
        }
        stage.setTitle("GRPO Workbench frame benchmark");
        stage.show();
        List<FrameRow> rows = new ArrayList<>();
        new InspectorScroll(o.rollouts(), o.tokens(), o.scrollPx()).run(stage, WIDTH, HEIGHT, log)
                .thenCompose(r -> {
                    rows.addAll(r);
                    return new DashboardRun(o.checkpoints(), o.stepsPerFrame(), o.windowFrames())
                            .run(stage, WIDTH, HEIGHT, log);
                })
                .thenCompose(r -> {
                    rows.addAll(r);
                    return o.liveSeconds() == 0 ? CompletableFuture.completedFuture(List.<FrameRow>of())
                            : new LiveRun(o.liveSeconds()).run(stage, WIDTH, HEIGHT, log);
                })
                .whenComplete((r, error) -> {
                    if (error != null) {
                        failure = error;
                    } else {
                        rows.addAll(r);
                        Path out = BenchOptions.out(getParameters().getRaw());
                        try (PrintStream file = new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
                            report(file, o, rows, log != null);
                            LOG.info("frame benchmark report written to {}", out.toAbsolutePath());
                        } catch (IOException e) {
                            failure = e;
                        }
                    }
                    Platform.exit();
                });
    }

    static void report(PrintStream out, BenchOptions o, List<FrameRow> rows, boolean rendered) {
        out.printf(Locale.ROOT, "GRPO Workbench frame benchmark: %.0f×%.0f window, prism.order=%s, JavaFX %s,"
                        + " Java %s, %d CPUs%n", WIDTH, HEIGHT, System.getProperty("prism.order", "default"),
                System.getProperty("javafx.runtime.version", "?"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        out.println(rendered
                ? "Times in ms per frame. Render figures are JavaFX's pulse log (whole ms, truncated)."
                : "Times in ms per frame. No render-thread figures (--no-pulse-log): FX-thread work and pulse"
                        + " interval only.");
        out.println();
        for (FrameRow r : rows) {
            out.println(r.toTable());
        }
        if (o.json()) {
            out.println("{\"bench\":\"frames\",\"width\":" + (int) WIDTH + ",\"height\":" + (int) HEIGHT
                    + ",\"prismOrder\":\"" + System.getProperty("prism.order", "default") + "\",\"rows\":["
                    + rows.stream().map(FrameRow::toJson).collect(Collectors.joining(",")) + "]}");
        }
    }
}
