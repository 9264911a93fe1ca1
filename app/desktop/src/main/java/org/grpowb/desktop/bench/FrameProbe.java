package org.grpowb.desktop.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import javafx.animation.AnimationTimer;
import javafx.scene.Scene;

/**
 * Drives a scenario once per pulse and times each frame. An {@link AnimationTimer} does the frame's work (it runs in
 * the pulse's animation phase, and its {@code now} is that phase's start); the scene's post-layout pulse listener
 * closes the frame. What the pulse does after layout — syncing the scene graph to Prism, and the render thread's
 * painting — is not in the work figure; it shows in the interval between pulses and in {@link PulseLog}.
 */
final class FrameProbe {

    /** One frame of a scenario, run on the FX thread in the animation phase. */
    interface Driver {
        /** Does frame {@code i}'s work; false when the scenario had nothing left to do (the frame is not counted). */
        boolean frame(int i);
    }

    private final Scene scene;
    private final Driver driver;
    private final CompletableFuture<Frames> done = new CompletableFuture<>();
    private final Runnable closeFrame = this::closeFrame;
    private long[] start = new long[1024];
    private double[] work = new double[1024];
    private double[] interval = new double[1024];
    private int count;
    private long openSince = -1;
    private long lastPulse = -1;
    private boolean finished;

    private FrameProbe(Scene scene, Driver driver) {
        this.scene = scene;
        this.driver = driver;
    }

    /** Starts driving on the next pulse; completes on the FX thread when the driver says it is finished. */
    static CompletableFuture<Frames> run(Scene scene, Driver driver) {
        FrameProbe p = new FrameProbe(scene, driver);
        scene.addPostLayoutPulseListener(p.closeFrame);
        p.timer.start();
        return p.done;
    }

    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            if (lastPulse < 0) { // a priming pulse, so that frame 0 has an interval too
                lastPulse = now;
                return;
            }
            if (!driver.frame(count)) {
                stop();
                finished = true;
                return;
            }
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                work = Arrays.copyOf(work, count * 2);
                interval = Arrays.copyOf(interval, count * 2);
            }
            start[count] = now;
            interval[count] = (now - lastPulse) / 1e6;
            work[count] = Double.NaN;
            lastPulse = now;
            openSince = now;
            count++;
        }
    };

    private void closeFrame() {
        if (openSince >= 0) {
            work[count - 1] = (System.nanoTime() - openSince) / 1e6;
            openSince = -1;
        }
        if (finished && !done.isDone()) {
            scene.removePostLayoutPulseListener(closeFrame);
            done.complete(new Frames(Arrays.copyOf(start, count), Arrays.copyOf(work, count),
                    Arrays.copyOf(interval, count)));
        }
    }
}
