package org.grpowb.desktop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.stage.Stage;
import org.grpowb.core.run.StepRecord;
import org.grpowb.desktop.inspector.InspectorModel;
import org.grpowb.desktop.inspector.InspectorView;
import org.grpowb.desktop.inspector.Signal;

/**
 * Scenario (a): the token inspector showing one step of {@code rollouts × tokens} tokens. Sets the step, scrolls the
 * rollout list from top to bottom by a fixed number of pixels every pulse (as a fling or a held scroll bar would),
 * switches through every signal, and jumps between the ends of the list.
 */
final class InspectorScroll {
    /** Frames to let a set step settle before scrolling (rows laid out, first paint done). */
    private static final int SETTLE_FRAMES = 30;
    /** A safety stop, far beyond a full pass at any sensible speed. */
    private static final int MAX_SCROLL_FRAMES = 20_000;

    private final int rollouts;
    private final int tokens;
    private final double pixelsPerFrame;

    InspectorScroll(int rollouts, int tokens, double pixelsPerFrame) {
        this.rollouts = rollouts;
        this.tokens = tokens;
        this.pixelsPerFrame = pixelsPerFrame;
    }

    CompletableFuture<List<FrameRow>> run(Stage stage, double width, double height, PulseLog log) {
        StepRecord step = SyntheticRun.step(1, rollouts, tokens);
        StepRecord next = SyntheticRun.step(2, rollouts, tokens);
        InspectorModel model = new InspectorModel(SyntheticRun.TOKEN_TEXT);
        InspectorView view = new InspectorView(model);
        Scene scene = new Scene(view, width, height);
        stage.setScene(scene);
        String size = String.format(Locale.ROOT, "%,d rollouts × %d tokens", rollouts, tokens);
        List<FrameRow> rows = new ArrayList<>();

        return FrameProbe.run(scene, settle(() -> model.setStep(step))).thenCompose(load -> {
            rows.add(FrameRow.of("inspector: set a " + size + " step, first use (its frame)", load.slice(0, 1),
                    log));
            rows.add(FrameRow.of("inspector: the " + (SETTLE_FRAMES - 1) + " frames after it",
                    load.slice(1, load.count()), log));
            VirtualFlow<?> flow = flow(view);
            boolean[] atEnd = {false};
            return FrameProbe.run(scene, i -> {
                if (atEnd[0] || i >= MAX_SCROLL_FRAMES) {
                    return false;
                }
                double moved = flow.scrollPixels(pixelsPerFrame);
                atEnd[0] = moved < pixelsPerFrame - 0.5;
                return true;
            });
        }).thenCompose(scroll -> {
            rows.add(FrameRow.of(String.format(Locale.ROOT, "inspector: scroll top to bottom, %.0f px per frame",
                    pixelsPerFrame), scroll, log));
            Signal[] signals = Signal.values();
            return FrameProbe.run(scene, i -> {
                if (i >= signals.length) {
                    return false;
                }
                model.setSignal(signals[(i + 1) % signals.length]);
                return true;
            });
        }).thenCompose(recolour -> {
            rows.add(FrameRow.of("inspector: switch the signal (one switch per frame)", recolour, log));
            return FrameProbe.run(scene, i -> {
                if (i >= 6) {
                    return false;
                }
                view.scrollToRollout(i % 2 == 0 ? 0 : rollouts - 1);
                return true;
            });
        }).thenCompose(jumps -> {
            rows.add(FrameRow.of("inspector: jump between first and last rollout (one jump per frame)", jumps, log));
            return FrameProbe.run(scene, settle(() -> model.setStep(next)));
        }).thenApply(reload -> {
            rows.add(FrameRow.of("inspector: set another " + size + " step (its frame)", reload.slice(0, 1), log));
            rows.add(FrameRow.of("inspector: the " + (SETTLE_FRAMES - 1) + " frames after it",
                    reload.slice(1, reload.count()), log));
            return rows;
        });
    }

    /** Does {@code change} in frame 0, then lets {@link #SETTLE_FRAMES} − 1 frames pass. */
    private static FrameProbe.Driver settle(Runnable change) {
        return i -> {
            if (i == 0) {
                change.run();
            }
            return i < SETTLE_FRAMES;
        };
    }

    private static VirtualFlow<?> flow(InspectorView view) {
        ListView<?> list = (ListView<?>) view.lookup("#rollouts");
        if (list == null || !(list.lookup(".virtual-flow") instanceof VirtualFlow<?> flow)) {
            throw new IllegalStateException("the inspector has no rollout list to scroll");
        }
        return flow;
    }
}
