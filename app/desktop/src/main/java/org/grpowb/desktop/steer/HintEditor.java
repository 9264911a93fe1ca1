package org.grpowb.desktop.steer;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.grpowb.api.Example;
import org.grpowb.core.engine.Edits;
import org.grpowb.core.hints.HintedPrompt;
import org.grpowb.core.project.Project;
import org.grpowb.desktop.shell.LongWork;

/**
 * A problem's hint tiers, edited: the training problems (filterable by id, text or difficulty) on the left; the chosen
 * one's prompt, its tiers as text fields, and the exact prompt the policy sees at a chosen tier (the project's hint
 * template, then the live model's chat template) on the right. "Apply to run" submits the problem's tiers as a
 * {@code hints} edit; "Load hints file…" submits a whole JSONL hints file.
 *
 * <p>Node ids: {@code #problemFilter}, {@code #problems}, {@code #problemPrompt}, {@code #hintTiers},
 * {@code #hintTier-N} and {@code #removeTier-N} (N from 1), {@code #addTier}, {@code #previewTier},
 * {@code #hintPreview}, {@code #previewNote}, {@code #applyHints}, {@code #loadHints}.
 */
public final class HintEditor extends SplitPane {

    static final String NO_TEMPLATE_NOTE = "(chat template applied when a run is live)";

    private final SteeringModel model;
    private final LongWork work;
    private final ObservableList<Example> all = FXCollections.observableArrayList();
    private final FilteredList<Example> shown = new FilteredList<>(all);
    private final TableView<Example> problems = new TableView<>(shown);
    private final TextField filter = new TextField();
    private final Label prompt = new Label("choose a problem");
    private final VBox tierRows = new VBox(4);
    private final Spinner<Integer> tier = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0));
    private final TextArea preview = new TextArea();
    private final Label note = new Label();
    private final List<String> tiers = new ArrayList<>();
    private Example chosen;

    public HintEditor(SteeringModel model, LongWork work) {
        this.model = model;
        this.work = work;
        filter.setId("problemFilter");
        filter.setPromptText("filter by id, text or difficulty");
        filter.textProperty().addListener((o, was, now) -> {
            String f = now.trim().toLowerCase(Locale.ROOT);
            shown.setPredicate(f.isEmpty() ? null : e -> e.id().toLowerCase(Locale.ROOT).contains(f)
                    || e.prompt().toLowerCase(Locale.ROOT).contains(f)
                    || f.equals(e.fields().getOrDefault("difficulty", "").toLowerCase(Locale.ROOT)));
        });
        problems.setId("problems");
        problems.getColumns().setAll(List.of(
                column("problem", 90, e -> e.id()),
                column("difficulty", 72, e -> e.fields().getOrDefault("difficulty", "")),
                column("hints", 48, e -> String.valueOf(model.bookProperty().get().tiers(e.id())))));
        problems.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        problems.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> choose(now));
        VBox left = new VBox(4, filter, problems);
        VBox.setVgrow(problems, Priority.ALWAYS);
        left.setPadding(new Insets(4));

        prompt.setId("problemPrompt");
        prompt.setWrapText(true);
        prompt.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        tierRows.setId("hintTiers");
        Button add = new Button("Add tier");
        add.setId("addTier");
        add.setOnAction(e -> {
            tiers.add("");
            showTiers();
            ((TextField) lookup("#hintTier-" + tiers.size())).requestFocus();
        });
        add.disableProperty().bind(problems.getSelectionModel().selectedItemProperty().isNull());
        tier.setId("previewTier");
        tier.setPrefWidth(70);
        tier.valueProperty().addListener((o, was, now) -> render());
        preview.setId("hintPreview");
        preview.setEditable(false);
        preview.setWrapText(true);
        preview.setPrefRowCount(5);
        preview.setStyle("-fx-font-family: monospace;");
        note.setId("previewNote");
        note.setStyle("-fx-opacity: 0.7;");
        Button apply = new Button("Apply to run");
        apply.setId("applyHints");
        apply.setDefaultButton(false);
        apply.setOnAction(e -> apply());
        apply.disableProperty().bind(model.liveProperty().not()
                .or(problems.getSelectionModel().selectedItemProperty().isNull()));
        Button load = new Button("Load hints file…");
        load.setId("loadHints");
        load.setOnAction(e -> loadFile());
        load.disableProperty().bind(model.liveProperty().not());
        HBox tierBar = new HBox(6, new Label("At tier"), tier);
        tierBar.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.layout.FlowPane actions = new javafx.scene.layout.FlowPane(6, 4, add, apply, load);
        Label tiersTitle = new Label("Hint tiers (tier t shows hints 1..t)");
        tiersTitle.setStyle("-fx-font-weight: bold;");
        Label previewTitle = new Label("What the model sees");
        previewTitle.setStyle("-fx-font-weight: bold;");
        HBox previewBar = new HBox(10, previewTitle, tierBar);
        previewBar.setAlignment(Pos.CENTER_LEFT);
        note.setWrapText(true);
        VBox right = new VBox(6, prompt, tiersTitle, tierRows, actions, previewBar, preview, note);
        VBox.setVgrow(preview, Priority.ALWAYS);
        right.setPadding(new Insets(6));
        getItems().setAll(left, right);
        setDividerPositions(0.42);

        model.projectProperty().addListener((o, was, p) -> showProject(p));
        model.bookProperty().addListener((o, was, now) -> problems.refresh());
        model.liveProperty().addListener((o, was, now) -> render());
        showProject(model.projectProperty().get());
    }

    /** Chooses a problem by id, as a user clicking it in the list does (clearing a filter that hides it). */
    public void select(String id) {
        all.stream().filter(e -> e.id().equals(id)).findFirst().ifPresent(e -> {
            if (!shown.contains(e)) {
                filter.clear();
            }
            problems.getSelectionModel().select(e);
            problems.scrollTo(e);
        });
    }

    /** The tiers as edited now, tier 1 first. */
    public List<String> tiers() {
        return List.copyOf(tiers);
    }

    private void showProject(Project p) {
        all.setAll(p == null ? List.of() : p.data().train());
        choose(null);
    }

    private void choose(Example e) {
        chosen = e;
        tiers.clear();
        if (e != null) {
            tiers.addAll(model.bookProperty().get().hints(e.id()));
            prompt.setText(e.id() + ": " + e.prompt() + "   (answer " + e.answer() + ")");
        } else {
            prompt.setText("choose a problem");
        }
        showTiers();
    }

    private void showTiers() {
        tierRows.getChildren().clear();
        for (int i = 0; i < tiers.size(); i++) {
            int index = i;
            TextField text = new TextField(tiers.get(i));
            text.setId("hintTier-" + (i + 1));
            text.textProperty().addListener((o, was, now) -> {
                tiers.set(index, now);
                render();
            });
            Button remove = new Button("−");
            remove.setId("removeTier-" + (i + 1));
            remove.setOnAction(ev -> {
                tiers.remove(index);
                showTiers();
            });
            HBox row = new HBox(6, new Label("tier " + (i + 1)), text, remove);
            row.setAlignment(Pos.CENTER_LEFT);
            HBox.setHgrow(text, Priority.ALWAYS);
            tierRows.getChildren().add(row);
        }
        if (tiers.isEmpty()) {
            tierRows.getChildren().add(new Label(chosen == null ? "" : "no hints: add a tier"));
        }
        var factory = (SpinnerValueFactory.IntegerSpinnerValueFactory) tier.getValueFactory();
        factory.setMax(tiers.size());
        factory.setValue(tiers.size());
        render();
    }

    /** The preview: the hint template at the chosen tier, then the live model's chat template. */
    private void render() {
        if (chosen == null || model.projectProperty().get() == null) {
            preview.setText("");
            note.setText("");
            return;
        }
        String text;
        try {
            int t = Math.min(tier.getValue() == null ? 0 : tier.getValue(), tiers.size());
            text = HintedPrompt.render(chosen.prompt(), tiers, t, model.projectProperty().get().hints().template());
        } catch (IllegalArgumentException e) {
            preview.setText("");
            note.setText(e.getMessage());
            return;
        }
        preview.setText(text);
        note.setText(NO_TEMPLATE_NOTE);
        if (model.liveProperty().get()) {
            model.renderWithTemplate(text, rendered -> rendered.ifPresent(r -> {
                preview.setText(r);
                note.setText("(as the live model is given it)");
            }));
        }
    }

    private void apply() {
        if (chosen == null) {
            return;
        }
        if (tiers.stream().anyMatch(String::isBlank)) {
            model.statusProperty().set("hints of " + chosen.id() + ": fill in or remove the blank tier");
            return;
        }
        var payload = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        var list = payload.putObject("hints").putArray(chosen.id());
        tiers.forEach(list::add);
        model.submit(Edits.HINTS, payload, "the hints of " + chosen.id());
    }

    private void loadFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Load a hints file (JSONL: {\"id\": ..., \"hints\": [...]} per line)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Hints (JSONL)", "*.jsonl", "*.json"));
        File file = chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (file == null) {
            return;
        }
        work.submit("Reading " + file.getName(), new Task<com.fasterxml.jackson.databind.node.ObjectNode>() {
            @Override
            protected com.fasterxml.jackson.databind.node.ObjectNode call() throws Exception {
                return Edits.hintsFile(file.toPath());
            }
        }, payload -> model.submit(Edits.HINTS, payload, "the hints file " + file.getName()),
                failure -> model.statusProperty().set(failure.getMessage()));
    }

    private static TableColumn<Example, String> column(String title, double width,
                                                       java.util.function.Function<Example, String> value) {
        TableColumn<Example, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        return c;
    }
}
