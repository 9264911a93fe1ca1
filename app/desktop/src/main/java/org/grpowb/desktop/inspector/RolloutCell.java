package org.grpowb.desktop.inspector;

import java.util.Locale;
import java.util.function.BiConsumer;
import javafx.geometry.Insets;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.grpowb.core.run.RolloutRecord;

/** A list row: one rollout's header (reward, advantage, flip and mask marks, completion) over its token strip. */
final class RolloutCell extends ListCell<RolloutRecord> {
    private final InspectorModel model;
    private final Label title = new Label();
    private final Label flip = new Label("⇅ flip");
    private final Label masked = new Label("masked");
    private final Label thinned = new Label(InspectorModel.THINNED);
    private final Label completion = new Label();
    private final TokenStrip strip;
    private final VBox box;

    /** @param onHover told (rollout, token) when the hovered token changes; token −1 when none */
    RolloutCell(InspectorModel model, RowLayouts rows, BiConsumer<Integer, Integer> onHover) {
        this.model = model;
        getStyleClass().add("rollout-cell");
        // fixed style classes, never per-rollout ids: changing a node's id re-applies CSS to it, and a reused cell
        // would pay that on every scroll frame
        title.getStyleClass().add("rollout-header");
        flip.getStyleClass().add("rollout-flip");
        masked.getStyleClass().add("rollout-masked");
        thinned.getStyleClass().add("rollout-thinned");
        strip = new TokenStrip(model, rows, t -> onHover.accept(strip().rollout(), t));
        flip.setStyle("-fx-text-fill: white; -fx-background-color: #c51b7d; -fx-padding: 0 4 0 4;"
                + " -fx-font-weight: bold;");
        masked.setStyle("-fx-text-fill: white; -fx-background-color: #636363; -fx-padding: 0 4 0 4;");
        thinned.setStyle("-fx-text-fill: -fx-mid-text-color; -fx-font-style: italic;");
        thinned.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        title.setStyle("-fx-font-family: 'Monospaced';");
        completion.setStyle("-fx-text-fill: -fx-mid-text-color;");
        completion.setMinWidth(0);
        title.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the completion gives way, never the numbers
        HBox.setHgrow(completion, Priority.ALWAYS);
        completion.setMaxWidth(Double.MAX_VALUE);
        HBox header = new HBox(8, title, flip, masked, thinned, completion);
        header.setMinWidth(0);
        box = new VBox(3, header, strip);
        box.setMinWidth(0);
        box.setPadding(new Insets(2, 0, 2, 0));
        setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        showRow(false);
        // the graphic of a labeled is sized to its preferred width: make that the cell's own width
        widthProperty().addListener((o, a, b) -> box.setPrefWidth(contentWidth(b.doubleValue())));
    }

    private TokenStrip strip() {
        return strip;
    }

    TokenStrip tokenStrip() {
        return strip;
    }

    /** One part of the row: "tokens" (the canvas), "header", "flip", "masked" or "thinned". */
    javafx.scene.Node part(String name) {
        return switch (name) {
            case "tokens" -> strip.canvas();
            case "header" -> title;
            case "flip" -> flip;
            case "masked" -> masked;
            case "thinned" -> thinned;
            default -> throw new IllegalArgumentException("no part " + name + " in a rollout row");
        };
    }

    private double contentWidth(double w) {
        return Math.max(0, w - snappedLeftInset() - snappedRightInset());
    }

    @Override
    protected void updateItem(RolloutRecord r, boolean empty) {
        super.updateItem(r, empty);
        if (empty || r == null || model.getGroup() == null || getIndex() >= model.rolloutCount()) {
            strip.setRollout(-1);
            showRow(false);
            return;
        }
        int i = getIndex();
        title.setText(String.format(Locale.ROOT, "#%-3d reward %s  A %+.4f%s", i, InspectorModel.fmt(r.reward()),
                r.advantage(), r.verdict() == null ? "" : "  " + r.verdict().name().toLowerCase(Locale.ROOT)));
        flip.setVisible(r.flipped());
        flip.setManaged(r.flipped());
        masked.setVisible(!r.kept());
        masked.setManaged(!r.kept());
        boolean thin = model.thinned(i);
        thinned.setVisible(thin);
        thinned.setManaged(thin);
        completion.setText(InspectorModel.oneLine(r.completion()));
        strip.setRollout(i);
        box.setPrefWidth(contentWidth(getWidth()));
        showRow(true);
    }

    /** Whether the cell shows a rollout; false for the empty cells past the group's end. */
    boolean showsRollout() {
        return box.isVisible();
    }

    private void showRow(boolean show) {
        box.setVisible(show);
        setGraphic(show ? box : null);
    }

    @Override
    protected double computePrefHeight(double width) {
        if (!box.isVisible()) {
            return super.computePrefHeight(width);
        }
        double w = width >= 0 ? width : getWidth();
        return snappedTopInset() + box.prefHeight(contentWidth(w)) + snappedBottomInset();
    }

    @Override
    protected double computePrefWidth(double height) {
        return 0; // never wider than the list: tokens wrap instead
    }
}
