package org.grpowb.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for the calling thread, outside a gradient collector.
 * <p>
 * PyTorch keeps grad mode per thread and starts every thread with it on. DJL turns it off only on the thread that
 * happens to initialise the engine, and a {@code GradientCollector} restores whatever mode it found. So on any other
 * thread (the window's second training run, an evaluation in the background) sampling would record graphs it never
 * uses, and the optimiser's in-place update of a leaf weight fails with "a leaf Variable that requires grad is being
 * used in an in-place operation". Every entry point that runs the model on a thread of its own calls this first.
 */
public final class GradMode {

    private GradMode() {
    }

    /** Makes sure the engine is up and the calling thread records no autograd graph outside a gradient collector. */
    public static void offForThisThread() {
        Engine engine = Engine.getInstance();
        if (PtEngine.ENGINE_NAME.equals(engine.getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }

    /** Whether the calling thread records autograd graphs (always false for an engine other than PyTorch). */
    public static boolean recording() {
        Engine engine = Engine.getInstance();
        return PtEngine.ENGINE_NAME.equals(engine.getEngineName()) && JniUtils.isGradMode();
    }
}
