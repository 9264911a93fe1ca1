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
    /** The widest a piece's text may be: fourteen Latin letters, seven CJK characters. */
    static final double MAX_TEXT_WIDTH;
    static final double LINE_HEIGHT;
    /** Measures on the JavaFX thread only, where rows are laid out. */
    private static final Text PROBE = new Text();

    static {
        PROBE.setFont(FONT);
        MAX_TEXT_WIDTH = Math.ceil(measure("M".repeat(TokenPiece.MAX_CHARS)));
        // a CJK fallback font's line can be taller than the Latin font's: measure both
        PROBE.setText("Mg中");
        LINE_HEIGHT = Math.ceil(PROBE.getLayoutBounds().getHeight()) + 4;
    }

    private static final TokenLayout EMPTY = TokenLayout.of(new double[0], 0, LINE_HEIGHT);

    /** The width of {@code s} in {@link #FONT}, as a Text node lays it out (fallback fonts and combining marks included). */
    static double measure(String s) {
        PROBE.setText(s);
        return PROBE.getLayoutBounds().getWidth();
    }

    private static final Color MARK_ON_LIGHT = Color.gray(0, 0.42);
    private static final Color MARK_ON_DARK = Color.gray(1, 0.55);

    private final InspectorModel model;
    private final RowLayouts rows;
    private final Canvas canvas = new Canvas();
    private final Tooltip tooltip = new Tooltip();
    private final IntConsumer onHover;
    private int rollout = -1;
    private Object shownRecord;
    private TokenLayout layout;
    private int hovered = -1;
    /** Set when the shown rollout changed: the next layout pass must paint even if the canvas keeps its size. */
    private boolean needsPaint;

    /** @param onHover told the hovered token's index (−1 when the mouse leaves a token) */
    TokenStrip(InspectorModel model, RowLayouts rows, IntConsumer onHover) {
        this.model = model;
        this.rows = rows;
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

    /** Shows a rollout of the model's group; −1 clears. Cheap: the row's layout comes from {@link RowLayouts}. */
    void setRollout(int r) {
        Object record = r < 0 || r >= model.rolloutCount() ? null : model.rollout(r);
        if (r == rollout && record == shownRecord && layout != null && !needsPaint) {
            return; // the same rollout again (the list re-binding a cell to its item): nothing to redo
        }
        rollout = r;
        shownRecord = record;
        if (hovered >= 0) {
            // a live step (or a scroll) put other tokens under a resting mouse: the tooltip described another token
            // (the details line keeps saying which token it was, rollout and index, until the mouse moves)
            tooltip.hide();
        }
        hovered = -1;
        layout = null;
        needsPaint = true;
        requestLayout();
        if (r < 0) {
            redraw();
        }
    }

    /** Drops the row's layout (its token boxes were sized for another tokenizer's text) and paints it again. */
    void relayout() {
        layout = null;
        needsPaint = true;
        requestLayout();
    }

    private TokenLayout layoutFor(double width) {
        double w = Math.max(width, TokenLayout.boxWidth(MAX_TEXT_WIDTH / 3));
        if (rollout < 0 || model.getGroup() == null || rollout >= model.rolloutCount()) {
            layout = EMPTY;
        } else if (layout == null || layout.width != w) {
            layout = rows.layout(model.getGroup(), rollout, w);
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
        if (rollout < 0 || layout == null || layout == EMPTY || canvas.getWidth() <= 0) {
            return;
        }
        TokenLayout l = layout;
        boolean kept = model.rollout(rollout).kept();
        gc.setGlobalAlpha(kept ? 1 : 0.45); // masked rollouts never reached the loss: drawn faded
        gc.setFont(FONT);
        gc.setTextBaseline(VPos.CENTER);
        int[] ids = model.rollout(rollout).trace().tokenIds();
        for (int t = 0; t < ids.length; t++) {
            Color c = model.colourAt(rollout, t);
            gc.setFill(c);
            gc.fillRect(l.x[t], l.y[t], l.w[t], l.lineHeight);
            boolean dark = luminance(c) > 0.5;
            TokenPiece p = rows.piece(ids[t]);
            double tx = l.x[t] + TokenLayout.PAD;
            double ty = l.y[t] + l.lineHeight / 2;
            for (int k = 0; k < p.runs.length; k++) {
                // marks (a leading space's ·, ↵, <0xNN>) dimmer than the piece's own text
                gc.setFill(p.marks[k] ? (dark ? MARK_ON_LIGHT : MARK_ON_DARK) : dark ? Color.BLACK : Color.WHITE);
                gc.fillText(p.runs[k], tx + p.offsets[k], ty);
            }
        }
        if (hovered >= 0 && hovered < ids.length) {
            gc.setGlobalAlpha(1);
            gc.setStroke(Color.BLACK);
            gc.setLineWidth(1.5);
            gc.strokeRect(l.x[hovered] + 0.75, l.y[hovered] + 0.75, l.w[hovered] - 1.5, l.lineHeight - 1.5);
        }
        gc.setGlobalAlpha(1);
    }

    /** A token's box in screen coordinates; null when not laid out. */
    Bounds tokenBoundsOnScreen(int token) {
        if (layout == null || token < 0 || token >= layout.x.length) {
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
