package org.grpowb.desktop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;

class FrameBenchTest extends ApplicationTest {
    private Stage stage;

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        stage.show();
    }

    @Test
    void statisticsAreNearestRankAndCountFramesOverBudget() {
        double[] ms = new double[20];
        for (int i = 0; i < 20; i++) {
            ms[i] = i + 1; // 1..20 ms
        }
        FrameStats s = FrameStats.of(ms);
        assertEquals(20, s.frames());
        assertEquals(10.5, s.meanMs(), 1e-12);
        assertEquals(10, s.p50Ms());
        assertEquals(19, s.p95Ms());
        assertEquals(20, s.maxMs());
        assertEquals(4, s.over(), "17, 18, 19 and 20 ms miss a 60 Hz frame");
        assertEquals(0, FrameStats.of(new double[] {Double.NaN}).frames());
    }

    @Test
    void optionsParseAndRefuseTypos() {
        BenchOptions o = BenchOptions.parse(List.of("--bench-frames", "--json", "--scroll-px=120",
                "--points=100,2000"));
        assertTrue(o.json());
        assertEquals(120, o.scrollPx());
        assertEquals(2000, o.checkpoints()[1]);
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--scrol-px=3")));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--points=5,4")));
    }

    @Test
    void aSmallRunMeasuresEveryPhaseFrameByFrameAndReportsThem() throws Exception {
        CompletableFuture<List<FrameRow>> rows = new CompletableFuture<>();
        Platform.runLater(() -> {
            List<FrameRow> all = new ArrayList<>();
            new InspectorScroll(40, 30, 400).run(stage, 900, 600, null).thenCompose(r -> {
                all.addAll(r);
                return new DashboardRun(new int[] {200, 600}, 4, 10).run(stage, 900, 600, null);
            }).whenComplete((r, e) -> {
                if (e != null) {
                    rows.completeExceptionally(e);
                } else {
                    all.addAll(r);
                    rows.complete(all);
                }
            });
        });
        List<FrameRow> r = rows.get(60, TimeUnit.SECONDS);
        assertEquals(List.of("inspector: set a 40 rollouts × 30 tokens step, first use (its frame)",
                "inspector: the 29 frames after it", "inspector: scroll top to bottom, 400 px per frame",
                "inspector: switch the signal (one switch per frame)",
                "inspector: jump between first and last rollout (one jump per frame)",
                "inspector: set another 40 rollouts × 30 tokens step (its frame)", "inspector: the 29 frames after it",
                "dashboard live: 4 steps per frame, series 160 → 200 points",
                "dashboard live: 4 steps per frame, series 560 → 600 points",
                "dashboard catch-up: up to 1,000 steps per frame between the windows"),
                r.stream().map(FrameRow::name).toList());
        assertEquals(1, r.get(0).work().frames());
        assertTrue(r.get(2).work().frames() >= 2, "the list scrolled over several frames");
        assertEquals(7, r.get(3).work().frames(), "one frame per signal");
        assertEquals(10, r.get(7).work().frames());
        assertEquals(10, r.get(7).interval().frames());
        for (FrameRow row : r) {
            assertTrue(row.work().meanMs() > 0 && row.interval().meanMs() > 0, row.name());
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchOptions json = BenchOptions.parse(List.of("--json"));
        FrameBench.report(new PrintStream(out, true, StandardCharsets.UTF_8), json, r, false);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("inspector: scroll top to bottom, 400 px per frame\n  FX work"), text);
        String last = text.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("{\"bench\":\"frames\"") && last.endsWith("]}"), last);
        assertTrue(last.contains("\"render\":null"), "no pulse log, no render figures: " + last);
    }
}
