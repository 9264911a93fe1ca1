package org.grpowb.desktop.projects;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;

/**
 * File → New Project: a new project as a copy of a sample under a name and a location the user picks. Create stays
 * disabled, with the reason shown, until the name is a valid folder name that does not exist yet in the location.
 * <p>
 * Node ids: {@code #newTemplate}, {@code #newName}, {@code #newLocation}, {@code #newBrowse}, {@code #newError}.
 */
public final class NewProjectDialog extends Dialog<NewProjectDialog.Request> {

    /** What to create: a copy of {@code template} named {@code name} in {@code parent}. */
    public record Request(SampleProject template, Path parent, String name) {
        public Path target() {
            return parent.resolve(name);
        }
    }

    public static final ButtonType CREATE = new ButtonType("Create", ButtonType.OK.getButtonData());

    private final ComboBox<SampleProject> template = new ComboBox<>();
    private final TextField name = new TextField();
    private final TextField location = new TextField();
    private final Label error = new Label();

    public NewProjectDialog(List<SampleProject> samples, SampleProject preselected, Path defaultParent) {
        setTitle("New Project");
        setHeaderText("Create a project from a sample");
        template.setId("newTemplate");
        template.getItems().setAll(samples);
        template.getSelectionModel().select(preselected != null ? preselected : samples.isEmpty() ? null : samples.get(0));
        name.setId("newName");
        name.setPromptText("my-project");
        location.setId("newLocation");
        location.setText(defaultParent.toAbsolutePath().normalize().toString());
        location.setPrefColumnCount(32);
        error.setId("newError");
        error.setStyle("-fx-text-fill: #c62828;");
        Button browse = LocationBrowser.beside(location, "newBrowse");

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.setPadding(new Insets(12));
        form.addRow(0, new Label("Sample"), template);
        form.addRow(1, new Label("Name"), name);
        form.addRow(2, new Label("Location"), location, browse);
        form.add(error, 1, 3, 2, 1);
        getDialogPane().setContent(form);
        getDialogPane().getButtonTypes().setAll(CREATE, ButtonType.CANCEL);
        Node create = getDialogPane().lookupButton(CREATE);
        create.setId("newCreate");
        template.valueProperty().addListener((o, was, now) -> validate(create));
        name.textProperty().addListener((o, was, now) -> validate(create));
        location.textProperty().addListener((o, was, now) -> validate(create));
        validate(create);
        setResultConverter(b -> b == CREATE ? new Request(template.getValue(), Path.of(location.getText().trim()),
                name.getText().trim()) : null);
    }

    /** Why the entered values cannot be created, or empty when they can. */
    String problem() {
        String n = name.getText().trim();
        String loc = location.getText().trim();
        if (template.getValue() == null) {
            return "no sample project to copy";
        }
        if (n.isEmpty()) {
            return "enter a name";
        }
        if (!SampleProjects.NAME.matcher(n).matches()) {
            return "a name is letters, digits, '.', '_' or '-'";
        }
        if (loc.isEmpty() || !Files.isDirectory(Path.of(loc))) {
            return "the location must be an existing folder";
        }
        if (Files.exists(Path.of(loc, n))) {
            return Path.of(loc, n) + " exists already";
        }
        return "";
    }

    private void validate(Node create) {
        String p = problem();
        error.setText(p);
        create.setDisable(!p.isEmpty());
    }
}
