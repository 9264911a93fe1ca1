package org.grpowb.desktop.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.collections.FXCollections;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.paint.CycleMethod;
import javafx.scene.paint.LinearGradient;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;

/**
 * The token inspector. Top: the step (with a slot for the caller's step slider), the group, the signal, the scale's
 * scope, a search field and the legend. Centre: the group's rollouts as a virtualised list, so that only the rows
 * in view are laid out and drawn however many tokens the step has. Bottom: every value of the hovered token.
 * <p>
 * The group picker names each group's kind ({@link GroupSummary}); {@code #autoGroup} hands the choice of group back
 * to the model after the user picked one.
 * <p>
 * Node ids: {@code #step}, {@code #group}, {@code #autoGroup}, {@code #signal}, {@code #stepScale}, {@code #search}, {@code #legend},
 * {@code #legendMin}, {@code #legendMid}, {@code #legendMax}, {@code #rollouts}, {@code #tokenDetails}. A visible
 * rollout's parts (its canvas, header, flip and mask marks) are found with {@link #rolloutPart}: rows carry fixed
 * style classes rather than per-rollout ids, because a reused row would re-apply CSS on every change of id.
 */
public final class InspectorView extends BorderPane {
    private static final String NO_TOKEN = "hover over a token to see its values";

    private final InspectorModel model;
    private final Label stepLabel = new Label("no step");
    private final StackPane stepControl = new StackPane();
    private final ComboBox<GroupRecord> groupBox = new ComboBox<>();
    private final Button autoGroup = new Button("auto");
    private final ComboBox<Signal> signalBox = new ComboBox<>(FXCollections.observableArrayList(Signal.values()));
    private final CheckBox stepScale = new CheckBox("step-wide scale");
    private final TextField search = new TextField();
    private final Rectangle legendBar = new Rectangle(180, 12);
    private final Label legendMin = new Label();
    private final Label legendMid = new Label();
    private final Label legendMax = new Label();
    private final Label legendTitle = new Label();
    private final ListView<RolloutRecord> rollouts = new ListView<>();
    private final Label details = new Label(NO_TOKEN);
    private final List<RolloutCell> cells = new ArrayList<>();
    /** Shared by every cell, so a row laid out to size the list is not laid out again to draw it. */
    private final RowLayouts rowLayouts;
    private List<InspectorModel.TextHit> hits = List.of();
    private int hitCursor = -1;
    private String hitQuery = "";
    private boolean syncing;

    public InspectorView(InspectorModel model) {
        this.model = model;
        this.rowLayouts = RowLayouts.forStrips(model.tokenTextById());
        getStyleClass().add("token-inspector");

        stepLabel.setId("step");
        stepControl.setId("stepControl");
        groupBox.setId("group");
        groupBox.setPrefWidth(420);
        autoGroup.setId("autoGroup");
        autoGroup.setTooltip(new Tooltip("Show each step's most informative group: the first"
                + " with a sign flip, else the first whose rollouts differ in outcome"));
        autoGroup.disableProperty().bind(model.groupChosenProperty().not());
        autoGroup.setOnAction(e -> model.followInformative());
        groupBox.setCellFactory(v -> new GroupCell());
        groupBox.setButtonCell(new GroupCell());
        signalBox.setId("signal");
        stepScale.setId("stepScale");
        search.setId("search");
        search.setPromptText("search completions");
        search.setPrefColumnCount(14);
        Node legend = buildLegend();

        Label groupLabel = new Label("group");
        Label signalLabel = new Label("colour by");
        // labels keep their text; when the tab is narrow the controls wrap onto a second line instead of squeezing
        for (Region r : List.of(stepLabel, groupLabel, signalLabel, stepScale, signalBox, search)) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        groupBox.setMinWidth(120);
        javafx.scene.layout.FlowPane top = new javafx.scene.layout.FlowPane(10, 6,
                new HBox(6, stepLabel, stepControl), new HBox(6, groupLabel, groupBox, autoGroup),
                new HBox(6, signalLabel, signalBox), stepScale, search, legend);
        top.getChildren().forEach(n -> {
            if (n instanceof HBox h) {
                h.setAlignment(Pos.CENTER_LEFT);
            }
        });
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6));
        setTop(top);

        rollouts.setId("rollouts");
        // one fill and a border, not modena's two stacked fills: the software pipeline draws a stacked background
        // by stretching a cached image over the whole list, which cost more than the rows themselves while scrolling
        rollouts.setStyle(frameStyle(false));
        rollouts.focusedProperty().addListener((o, a, b) -> rollouts.setStyle(frameStyle(b)));
        rollouts.setCellFactory(v -> {
            RolloutCell c = new RolloutCell(model, rowLayouts, this::hovered);
            cells.add(c);
            return c;
        });
        setCenter(rollouts);

        details.setId("tokenDetails");
        details.setWrapText(true);
        details.setMinHeight(Region.USE_PREF_SIZE);
        details.setStyle("-fx-font-family: 'Monospaced';");
        details.setPadding(new Insets(4, 6, 4, 6));
        details.setMaxWidth(Double.MAX_VALUE);
        setBottom(details);

        // view → model
        groupBox.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (!syncing && b.intValue() >= 0) {
                model.setGroupIndex(b.intValue());
            }
        });
        signalBox.valueProperty().addListener((o, a, b) -> {
            if (!syncing && b != null) {
                model.setSignal(b);
            }
        });
        stepScale.selectedProperty().addListener((o, a, b) ->
                model.setScaleScope(b ? InspectorModel.ScaleScope.STEP : InspectorModel.ScaleScope.GROUP));
        search.setOnAction(e -> nextHit(search.getText()));

        // model → view
        model.stepProperty().addListener((o, a, b) -> showStep(b));
        model.groupIndexProperty().addListener((o, a, b) -> syncSelection());
        model.signalProperty().addListener((o, a, b) -> syncSelection());
        model.groupProperty().addListener((o, a, b) -> showGroup(b));
        model.tokenTextProperty().addListener((o, a, b) -> {
            rowLayouts.decodeWith(b);
            cells.forEach(c -> c.tokenStrip().relayout());
            showGroup(model.getGroup());
        });
        model.scaleProperty().addListener((o, a, b) -> {
            showLegend();
            cells.forEach(c -> c.tokenStrip().redraw());
        });
        showStep(model.getStep());
        showGroup(model.getGroup());
        showLegend();
    }

    /**
     * Adds an item to the rollouts' context menu (right-click on a rollout): {@code action} gets the shown group and
     * the rollout under the click, e.g. to score its completion with another reward.
     */
    public void addRolloutAction(String text, String id, java.util.function.BiConsumer<GroupRecord, RolloutRecord> action) {
        javafx.scene.control.MenuItem item = new javafx.scene.control.MenuItem(text);
        item.setId(id);
        item.setOnAction(e -> {
            RolloutRecord r = rollouts.getSelectionModel().getSelectedItem();
            if (r != null && model.getGroup() != null) {
                action.accept(model.getGroup(), r);
            }
        });
        if (rollouts.getContextMenu() == null) {
            rollouts.setContextMenu(new javafx.scene.control.ContextMenu());
        }
        rollouts.getContextMenu().getItems().add(item);
    }

    /** Places the caller's step control (e.g. a slider over the run's steps) next to the step label. */
    public void setStepControl(Node control) {
        stepControl.getChildren().setAll(control == null ? List.of() : List.of(control));
    }

    public InspectorModel model() {
        return model;
    }

    /** What the tooltip of a token shows; the same text appears in {@code #tokenDetails} while it is hovered. */
    public String tokenDetailsAt(int rollout, int token) {
        return model.tokenDetails(rollout, token);
    }

    /** The text now shown in {@code #tokenDetails}. */
    public String shownDetails() {
        return details.getText();
    }

    /** Scrolls a rollout of the shown group into view. Call on the FX thread. */
    public void scrollToRollout(int rollout) {
        rollouts.scrollTo(rollout);
    }

    /**
     * A token's box in screen coordinates, scrolling its rollout into view (and laying the list out) when it is not
     * shown. Call on the FX thread. Null when the rollout or token does not exist.
     */
    public Bounds tokenBounds(int rollout, int token) {
        if (rollout < 0 || rollout >= model.rolloutCount()) {
            return null;
        }
        TokenStrip s = visibleStrip(rollout);
        if (s == null) {
            rollouts.scrollTo(rollout);
            rollouts.layout();
            s = visibleStrip(rollout);
        }
        return s == null ? null : s.tokenBoundsOnScreen(token);
    }

    /** The rollout indices whose rows are now on screen, in no particular order. */
    public List<Integer> visibleRollouts() {
        List<Integer> out = new ArrayList<>();
        for (RolloutCell c : cells) {
            if (c.isVisible() && c.showsRollout() && c.tokenStrip().rollout() >= 0) {
                out.add(c.tokenStrip().rollout());
            }
        }
        return out;
    }

    /**
     * A part of a rollout's row while it is in view: {@code "tokens"} (its canvas), {@code "header"}, {@code "flip"}
     * or {@code "masked"}; null when the rollout is scrolled out of view.
     */
    public Node rolloutPart(int rollout, String part) {
        for (RolloutCell c : cells) {
            if (c.isVisible() && c.showsRollout() && c.getIndex() == rollout && c.tokenStrip().rollout() == rollout) {
                return c.part(part);
            }
        }
        return null;
    }

    /** Shows a search hit: selects its group and scrolls to (and selects) its rollout. */
    public void revealHit(InspectorModel.TextHit hit) {
        model.setGroupIndex(hit.group());
        rollouts.scrollTo(hit.rollout());
        rollouts.getSelectionModel().select(hit.rollout());
    }

    private TokenStrip visibleStrip(int rollout) {
        for (RolloutCell c : cells) {
            if (c.isVisible() && c.showsRollout() && c.tokenStrip().rollout() == rollout
                    && c.getIndex() == rollout) {
                return c.tokenStrip();
            }
        }
        return null;
    }

    private void nextHit(String query) {
        if (!query.equals(hitQuery)) {
            hitQuery = query;
            hits = model.search(query);
            hitCursor = -1;
        }
        if (hits.isEmpty()) {
            details.setText("no completion of this step contains \"" + query + "\"");
            return;
        }
        hitCursor = (hitCursor + 1) % hits.size();
        InspectorModel.TextHit h = hits.get(hitCursor);
        revealHit(h);
        details.setText(String.format(Locale.ROOT, "hit %d of %d: group %d, rollout %d, character %d",
                hitCursor + 1, hits.size(), h.group(), h.rollout(), h.offset()));
    }

    private void hovered(int rollout, int token) {
        details.setText(token < 0 ? NO_TOKEN : model.tokenDetails(rollout, token));
    }

    private void showStep(StepRecord s) {
        syncing = true;
        try {
            groupBox.getItems().setAll(s == null ? List.of() : s.groups());
            stepLabel.setText(s == null ? "no step" : "step " + s.step());
            hitQuery = "";
        } finally {
            syncing = false;
        }
        syncSelection();
    }

    private void syncSelection() {
        syncing = true;
        try {
            int g = model.getGroupIndex();
            if (g >= 0 && g < groupBox.getItems().size()) {
                groupBox.getSelectionModel().select(g);
            } else {
                groupBox.getSelectionModel().clearSelection();
            }
            signalBox.setValue(model.getSignal());
        } finally {
            syncing = false;
        }
    }

    private void showGroup(GroupRecord g) {
        details.setText(NO_TOKEN);
        rollouts.getItems().setAll(g == null ? List.of() : g.rollouts());
        rollouts.scrollTo(0);
    }

    private Node buildLegend() {
        legendTitle.setStyle("-fx-font-size: 0.85em;");
        legendMin.setId("legendMin");
        legendMid.setId("legendMid");
        legendMax.setId("legendMax");
        legendBar.setStroke(Color.GRAY);
        Region l = new Region();
        Region r = new Region();
        HBox.setHgrow(l, Priority.ALWAYS);
        HBox.setHgrow(r, Priority.ALWAYS);
        HBox labels = new HBox(legendMin, l, legendMid, r, legendMax);
        labels.setPrefWidth(legendBar.getWidth());
        labels.setMaxWidth(legendBar.getWidth());
        VBox legend = new VBox(1, legendTitle, legendBar, labels);
        legend.setId("legend");
        legend.setAlignment(Pos.CENTER_LEFT);
        return legend;
    }

    private void showLegend() {
        ColourScale s = model.getScale();
        legendBar.setFill(new LinearGradient(0, 0, 1, 0, true, CycleMethod.NO_CYCLE, s.stops()));
        legendTitle.setText(model.getSignal().label());
        if (s.kind() == Signal.Scale.BINARY) {
            legendMin.setText("not clipped");
            legendMid.setText("");
            legendMax.setText("clipped");
        } else {
            legendMin.setText(short4(s.min()));
            legendMid.setText(s.kind() == Signal.Scale.DIVERGING ? "0" : short4(s.mid()));
            legendMax.setText(short4(s.max()));
        }
    }

    private static String frameStyle(boolean focused) {
        return "-fx-background-color: -fx-control-inner-background; -fx-background-insets: 0; -fx-padding: 0;"
                + " -fx-border-width: 1; -fx-border-color: " + (focused ? "-fx-focus-color" : "-fx-box-border") + ";";
    }

    private static String short4(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** The picker's text for a group: its summary, then its prompt and reference answer. */
    static String groupText(GroupRecord g) {
        String p = g.prompt().replace('\n', ' ');
        if (p.length() > 60) {
            p = p.substring(0, 60) + "…";
        }
        return GroupSummary.of(g).label() + "  —  " + p + "  → " + g.answer();
    }

    /** The dot's colour for a group's kind: blue where rollouts differ, green/red for a uniform verdict, grey. */
    static Color kindColour(GroupSummary.Kind kind) {
        return switch (kind) {
            case MIXED, VARIED_REWARD -> Color.web("#1f77b4");
            case ALL_CORRECT -> Color.web("#2ca02c");
            case ALL_WRONG -> Color.web("#d62728");
            case SAME_REWARD -> Color.web("#7f7f7f");
        };
    }

    /** Shows a group as its kind (a coloured dot and words), its flips, its prompt and its reference answer. */
    private static final class GroupCell extends ListCell<GroupRecord> {
        private final Circle dot = new Circle(4);

        @Override
        protected void updateItem(GroupRecord g, boolean empty) {
            super.updateItem(g, empty);
            if (empty || g == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            GroupSummary summary = GroupSummary.of(g);
            dot.setFill(kindColour(summary.kind()));
            // a flipped group's dot gets an orange ring: flips are what the inspector is most often opened for
            dot.setStroke(summary.flipped() > 0 ? Color.web("#ff7f0e") : null);
            dot.setStrokeWidth(2);
            setGraphic(dot);
            setText(groupText(g));
        }
    }
}
