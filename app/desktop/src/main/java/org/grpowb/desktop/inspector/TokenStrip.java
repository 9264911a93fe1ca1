package org.grpowb.desktop.inspector;

import java.util.function.IntConsumer;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.util.Duration;

/**
 * One rollout's tokens on a canvas. Its preferred height follows from the width it is given, so a list cell
 * wraps the tokens to the list's width; drawing happens only when the layout or the colours change.
 */
final class TokenStrip extends Region {
    static final Font FONT = Font.font("Monospaced", 12);
    static final double CHAR_WIDTH;
    static final double LINE_HEIGHT;

    static {
        Text probe = new Text("MMMMMMMMMM");
        probe.setFont(FONT);
        CHAR_WIDTH = probe.getLayoutBounds().getWidth() / 10;
        LINE_HEIGHT = Math.ceil(probe.getLayoutBounds().getHeight()) + 4;
    }

    private final InspectorModel model;
    private final Canvas canvas = new Canvas();
    private final Tooltip tooltip = new Tooltip();
    private final IntConsumer onHover;
    private int rollout = -1;
    private String[] shown = new String[0];
    private int[] chars = new int[0];
    private TokenLayout layout;
    private int hovered = -1;

    /** @param onHover told the hovered token's index (−1 when the mouse leaves a token) */
    TokenStrip(InspectorModel model, IntConsumer onHover) {
        this.model = model;
        this.onHover = onHover;
        getChildren().add(canvas);
        tooltip.setShowDelay(Duration.millis(150));
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(520);
        Tooltip.install(canvas, tooltip);
        canvas.setOnMouseMoved(e -> hover(layout == null ? -1 : layout.hit(e.getX(), e.getY())));
        canvas.setOnMouseExited(e -> hover(-1));
    }

    Canvas canvas() {
        return canvas;
    }

    int rollout() {
        return rollout;
    }

    /** Shows a rollout of the model's group; −1 clears. */
    void setRollout(int r) {
        rollout = r;
        hovered = -1;
        layout = null;
        canvas.setId(r < 0 ? null : "tokens-" + r);
        if (r < 0) {
            shown = new String[0];
            chars = new int[0];
        } else {
            int n = model.rollout(r).trace().length();
            shown = new String[n];
            chars = new int[n];
            for (int t = 0; t < n; t++) {
                String d = InspectorModel.displayText(model.tokenText(r, t));
                int len = d.codePointCount(0, d.length());
                chars[t] = len;
                shown[t] = len <= TokenLayout.MAX_CHARS ? d
                        : d.substring(0, d.offsetByCodePoints(0, TokenLayout.MAX_CHARS - 1)) + "…";
            }
        }
        // the layout is rebuilt for the new tokens on the next pass, which must then paint even if the canvas
        // keeps its size (a reused cell showing a rollout of the same length)
        needsPaint = true;
        requestLayout();
        redraw();
    }

    private boolean needsPaint;

    private TokenLayout layoutFor(double width) {
        double w = Math.max(width, 4 * CHAR_WIDTH + 2 * TokenLayout.PAD);
        if (layout == null || layout.width != w) {
            layout = TokenLayout.of(chars, w, CHAR_WIDTH, LINE_HEIGHT);
        }
        return layout;
    }

    @Override
    protected double computePrefHeight(double width) {
        double w = width >= 0 ? width : getWidth() > 0 ? getWidth() : 600;
        return layoutFor(w - snappedLeftInset() - snappedRightInset()).height + snappedTopInset()
                + snappedBottomInset();
    }

    @Override
    public javafx.geometry.Orientation getContentBias() {
        return javafx.geometry.Orientation.HORIZONTAL; // height depends on width: tokens wrap
    }

    @Override
    protected double computePrefWidth(double height) {
        return 0; // takes whatever width the list gives; never widens it
    }

    @Override
    protected double computeMinWidth(double height) {
        return 0;
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth() - snappedLeftInset() - snappedRightInset();
        TokenLayout l = layoutFor(w);
        canvas.relocate(snappedLeftInset(), snappedTopInset());
        if (needsPaint || canvas.getWidth() != w || canvas.getHeight() != l.height) {
            canvas.setWidth(w);
            canvas.setHeight(l.height);
            needsPaint = false;
            redraw();
        }
    }

    /** Repaints with the model's current colours. */
    void redraw() {
        GraphicsContext gc = canvas.getGraphicsContext2D();
        gc.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        if (rollout < 0 || layout == null || canvas.getWidth() <= 0) {
            return;
        }
        TokenLayout l = layout;
        boolean kept = model.rollout(rollout).kept();
        gc.setGlobalAlpha(kept ? 1 : 0.45); // masked rollouts never reached the loss: drawn faded
        gc.setFont(FONT);
        gc.setTextBaseline(VPos.CENTER);
        for (int t = 0; t < shown.length; t++) {
            Color c = model.colourAt(rollout, t);
            gc.setFill(c);
            gc.fillRect(l.x[t], l.y[t], l.w[t], l.lineHeight);
            gc.setFill(luminance(c) > 0.5 ? Color.BLACK : Color.WHITE);
            gc.fillText(shown[t], l.x[t] + TokenLayout.PAD, l.y[t] + l.lineHeight / 2);
        }
        if (hovered >= 0 && hovered < shown.length) {
            gc.setGlobalAlpha(1);
            gc.setStroke(Color.BLACK);
            gc.setLineWidth(1.5);
            gc.strokeRect(l.x[hovered] + 0.75, l.y[hovered] + 0.75, l.w[hovered] - 1.5, l.lineHeight - 1.5);
        }
        gc.setGlobalAlpha(1);
    }

    /** A token's box in screen coordinates; null when not laid out. */
    Bounds tokenBoundsOnScreen(int token) {
        if (layout == null || token < 0 || token >= shown.length) {
            return null;
        }
        return canvas.localToScreen(new BoundingBox(layout.x[token], layout.y[token], layout.w[token],
                layout.lineHeight));
    }

    private void hover(int t) {
        if (t == hovered) {
            return;
        }
        hovered = t;
        if (t >= 0) {
            tooltip.setText(model.tokenDetails(rollout, t));
        } else {
            tooltip.hide();
        }
        onHover.accept(t);
        redraw();
    }

    private static double luminance(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }
}
