package org.grpowb.desktop.projects;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import org.grpowb.api.ModelCard;

/**
 * File → Open Model Folder…: what the chosen folder holds (architecture, size, dtype, tokenizer, chat template), or
 * why it is not a model folder, naming the file; then a new project around it — its name and location, its data (a
 * sample project's or a JSONL file), its rewards and the model's prompt format. Create stays disabled, with the reason
 * shown, while anything would keep the project from opening.
 * <p>
 * Node ids: {@code #modelSummary}, {@code #modelDetails}, {@code #modelError}, {@code #modelName},
 * {@code #modelLocation}, {@code #modelData}, {@code #modelJsonl}, {@code #modelJsonlBrowse},
 * {@code #modelPromptFormat}, {@code #reward-NAME}, {@code #modelProblem}, {@code #modelCreate}.
 */
public final class OpenModelFolderDialog extends Dialog<ModelFolderProject> {

    public static final ButtonType CREATE = new ButtonType("Create Project", ButtonType.OK.getButtonData());

    /** The data choice that asks for a file. */
    private static final String JSONL = "a JSONL file…";

    /** Rewards checked at first, when the workbench has them: the sample projects' verifiable pair. */
    private static final List<String> DEFAULT_REWARDS = List.of("exact_answer", "answer_format");

    private final ModelFolderProject.Inspected model;
    private final String failure;
    private final TextField name = new TextField();
    private final TextField location = new TextField();
    private final ComboBox<Object> data = new ComboBox<>();
    private final TextField jsonl = new TextField();
    private final ComboBox<String> promptFormat = new ComboBox<>();
    private final Map<String, CheckBox> rewards = new LinkedHashMap<>();
    private final Label problem = new Label();
    private final String variant;

    /**
     * @param folder        the chosen folder
     * @param model         what it holds, or null when it could not be read
     * @param failure       why it could not be read (naming the file), or null
     * @param samples       the sample projects whose data a project can start from
     * @param rewardNames   the registered reward functions, name to description
     * @param variant       the GRPO variant the project starts with
     * @param defaultParent where the project is made unless the user says otherwise
     */
    public OpenModelFolderDialog(Path folder, ModelFolderProject.Inspected model, String failure,
                                 List<SampleProject> samples, Map<String, String> rewardNames, String variant,
                                 Path defaultParent) {
        this.model = model;
        this.failure = failure;
        this.variant = variant;
        setTitle("Open Model Folder");
        setHeaderText(model != null ? "A project around " + folder.getFileName()
                : folder.getFileName() + " is not a model folder the workbench opens");
        setResizable(true);

        GridPane form = new GridPane();
        form.setHgap(10);
        form.setVgap(8);
        form.setPadding(new Insets(12));
        form.getColumnConstraints().setAll(new ColumnConstraints(), grow());
        int row = 0;
        Label summary = new Label(model != null ? model.card().line() : "—");
        summary.setId("modelSummary");
        summary.setStyle("-fx-font-weight: bold;");
        form.addRow(row++, new Label("Model"), summary);
        Label folderLabel = new Label(folder.toAbsolutePath().normalize().toString());
        folderLabel.setId("modelFolder");
        folderLabel.setTooltip(new Tooltip(folderLabel.getText()));
        folderLabel.setMaxWidth(560);
        form.addRow(row++, new Label("Folder"), folderLabel);
        if (model == null) {
            Label error = new Label(failure);
            error.setId("modelError");
            error.setWrapText(true);
            error.setMaxWidth(560);
            error.setStyle("-fx-text-fill: #c62828;");
            form.add(error, 0, row++, 2, 1);
            getDialogPane().setContent(form);
            getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
            setResultConverter(b -> null);
            return;
        }
        Label details = new Label(details(model.card()));
        details.setId("modelDetails");
        details.setWrapText(true);
        details.setMaxWidth(640);
        form.addRow(row++, new Label(""), details);
        for (String p : model.card().problems()) {
            Label l = new Label(p);
            l.setWrapText(true);
            l.setMaxWidth(560);
            l.setStyle("-fx-text-fill: #c62828;");
            form.add(l, 1, row++);
        }

        name.setId("modelName");
        name.setText(suggestedName(folder, defaultParent));
        location.setId("modelLocation");
        location.setText(defaultParent.toAbsolutePath().normalize().toString());
        location.setPrefColumnCount(36);
        Button browse = LocationBrowser.beside(location, "modelLocationBrowse");
        form.addRow(row++, new Label("Project name"), name);
        form.addRow(row++, new Label("Location"), hbox(location, browse));

        data.setId("modelData");
        data.getItems().addAll(samples);
        data.getItems().add(JSONL);
        data.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Object o) {
                return o instanceof SampleProject s ? "the data of the sample " + s.name()
                        + (s.description().isEmpty() ? "" : " — " + s.description()) : String.valueOf(o);
            }

            @Override
            public Object fromString(String s) {
                return null;
            }
        });
        data.getSelectionModel().select(0);
        data.setPrefWidth(460);
        data.setMaxWidth(Double.MAX_VALUE);
        jsonl.setId("modelJsonl");
        jsonl.setPromptText("{\"id\", \"prompt\", \"answer\"[, \"split\"]} per line");
        Button pick = new Button("Browse…");
        pick.setId("modelJsonlBrowse");
        pick.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Examples, one JSON object a line");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSONL", "*.jsonl", "*.json"));
            File picked = chooser.showOpenDialog(getDialogPane().getScene().getWindow());
            if (picked != null) {
                jsonl.setText(picked.getAbsolutePath());
                data.getSelectionModel().select(JSONL);
            }
        });
        HBox file = hbox(jsonl, pick);
        file.visibleProperty().bind(data.valueProperty().isEqualTo(JSONL));
        file.managedProperty().bind(file.visibleProperty());
        form.addRow(row++, new Label("Data"), data);
        form.add(file, 1, row++);

        FlowPane rewardBoxes = new FlowPane(14, 6);
        rewardBoxes.setId("modelRewards");
        boolean anyDefault = rewardNames.keySet().stream().anyMatch(DEFAULT_REWARDS::contains);
        for (Map.Entry<String, String> r : rewardNames.entrySet()) {
            CheckBox box = new CheckBox(r.getKey());
            box.setMnemonicParsing(false); // reward names have underscores
            box.setId("reward-" + r.getKey());
            box.setTooltip(new Tooltip(r.getValue()));
            box.setSelected(anyDefault ? DEFAULT_REWARDS.contains(r.getKey()) : rewards.isEmpty());
            rewards.put(r.getKey(), box);
            rewardBoxes.getChildren().add(box);
        }
        form.addRow(row++, new Label("Rewards"), rewardBoxes);

        promptFormat.setId("modelPromptFormat");
        model.setting(ModelFolderProject.PROMPT_FORMAT).ifPresent(spec -> {
            promptFormat.getItems().setAll(spec.choices());
            promptFormat.setValue(String.valueOf(spec.defaultValue()));
            promptFormat.setTooltip(new Tooltip(spec.description()));
        });
        if (!promptFormat.getItems().isEmpty()) {
            Label said = new Label();
            said.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                    () -> promptFormatMeaning(promptFormat.getValue()), promptFormat.valueProperty()));
            said.setStyle("-fx-text-fill: -fx-mid-text-color;");
            form.addRow(row++, new Label("Prompt format"), hbox(promptFormat, said));
        }

        problem.setId("modelProblem");
        problem.setWrapText(true);
        problem.setMaxWidth(560);
        problem.setStyle("-fx-text-fill: #c62828;");
        form.add(problem, 1, row);

        getDialogPane().setContent(form);
        getDialogPane().getButtonTypes().setAll(CREATE, ButtonType.CANCEL);
        Node create = getDialogPane().lookupButton(CREATE);
        create.setId("modelCreate");
        Runnable check = () -> validate(create);
        name.textProperty().addListener((o, was, now) -> check.run());
        location.textProperty().addListener((o, was, now) -> check.run());
        data.valueProperty().addListener((o, was, now) -> check.run());
        jsonl.textProperty().addListener((o, was, now) -> check.run());
        promptFormat.valueProperty().addListener((o, was, now) -> check.run());
        rewards.values().forEach(b -> b.selectedProperty().addListener((o, was, now) -> check.run()));
        check.run();
        setResultConverter(b -> b == CREATE && problem().isEmpty() ? request() : null);
    }

    /** The project the entered values describe. */
    ModelFolderProject request() {
        // the verifier first: the first chosen reward decides (weight 1), the others shape it (0.1), as
        // answer_format does in the samples
        List<String> order = new ArrayList<>(DEFAULT_REWARDS);
        rewards.keySet().stream().filter(n -> !order.contains(n)).forEach(order::add);
        Map<String, Double> chosen = new LinkedHashMap<>();
        for (String n : order) {
            if (rewards.containsKey(n) && rewards.get(n).isSelected()) {
                chosen.put(n, chosen.isEmpty() ? 1.0 : 0.1);
            }
        }
        ModelFolderProject.Data d = data.getValue() instanceof SampleProject s ? ModelFolderProject.Data.of(s)
                : ModelFolderProject.Data.of(Path.of(jsonl.getText().trim()));
        return new ModelFolderProject(Path.of(location.getText().trim()), name.getText().trim(), model, d, chosen,
                promptFormat.getItems().isEmpty() ? null : promptFormat.getValue(), variant);
    }

    /** Why the entered values cannot make a project that opens, or empty when they can. */
    public String problem() {
        if (model == null) {
            return failure;
        }
        if (!model.card().problems().isEmpty()) {
            return "the folder cannot be trained as it is: " + model.card().problems().get(0);
        }
        String n = name.getText().trim();
        String loc = location.getText().trim();
        if (n.isEmpty()) {
            return "enter a project name";
        }
        if (!SampleProjects.NAME.matcher(n).matches()) {
            return "a project name is letters, digits, '.', '_' or '-'";
        }
        if (loc.isEmpty() || !Files.isDirectory(Path.of(loc))) {
            return "the location must be an existing folder";
        }
        if (Files.exists(Path.of(loc, n))) {
            return Path.of(loc, n) + " exists already";
        }
        if (data.getValue() == null) {
            return "choose the data";
        }
        if (JSONL.equals(data.getValue())) {
            String f = jsonl.getText().trim();
            if (f.isEmpty() || !Files.isRegularFile(Path.of(f))) {
                return "choose a JSONL file of examples";
            }
        }
        if (rewards.values().stream().noneMatch(CheckBox::isSelected)) {
            return "choose at least one reward";
        }
        if ("chat".equals(promptFormat.getValue()) && !model.card().chatTemplate()) {
            return "the folder has no chat template: choose raw (or auto, which is raw here)";
        }
        return "";
    }

    private void validate(Node create) {
        String p = problem();
        problem.setText(p);
        create.setDisable(!p.isEmpty());
    }

    private String promptFormatMeaning(String format) {
        if (format == null) {
            return "";
        }
        boolean template = model.card().chatTemplate();
        return switch (format) {
            case "auto" -> template ? "chat: the folder has a chat template" : "raw: the folder has no chat template";
            case "chat" -> "each prompt as the user turn of the chat template";
            case "raw" -> "each prompt as plain text";
            default -> "";
        };
    }

    /** The card's other facts: tokenizer, chat template, vocabulary, positions. */
    public static String details(ModelCard c) {
        List<String> parts = new ArrayList<>();
        parts.add(c.tokenizer() ? "tokenizer" : "no tokenizer");
        parts.add(c.chatTemplate() ? "chat template" : "no chat template");
        parts.add(String.format(Locale.ROOT, "vocabulary %,d", c.vocabSize()));
        parts.add(String.format(Locale.ROOT, "up to %,d positions", c.maxPositions()));
        parts.add(String.format(Locale.ROOT, "%,d parameters", c.parameters()));
        return String.join(" · ", parts);
    }

    /** The folder's name as a project name, made unique in {@code parent}. */
    static String suggestedName(Path folder, Path parent) {
        String base = folder.getFileName() == null ? "model" : folder.getFileName().toString()
                .replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        base = (base.isEmpty() ? "model" : base) + "-grpo";
        if (base.length() > 58) {
            base = base.substring(0, 58);
        }
        String n = base;
        for (int i = 2; Files.exists(parent.resolve(n)) && i < 100; i++) {
            n = base + "-" + i;
        }
        return n;
    }

    private static HBox hbox(Node... nodes) {
        HBox h = new HBox(8, nodes);
        h.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(nodes[0], Priority.ALWAYS);
        return h;
    }

    private static ColumnConstraints grow() {
        ColumnConstraints c = new ColumnConstraints();
        c.setHgrow(Priority.ALWAYS);
        return c;
    }
}
