package org.grpowb.desktop.projects;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The welcome page, shown on first start: New, Open and Open Model Folder, the sample projects (open one as it is, or make a project
 * from it) and the recently opened projects.
 * <p>
 * Node ids: {@code #welcomeNew}, {@code #welcomeOpen}, {@code #welcomeModel}, {@code #samples}, per sample {@code #sample-<name>},
 * {@code #openSample-<name>} and {@code #newFrom-<name>}; {@code #recent}.
 */
public final class WelcomeView extends ScrollPane {

    /** What the page's buttons do; the window supplies them. */
    public record Actions(Consumer<Path> open, Consumer<SampleProject> newFrom, Runnable openChooser,
                          Runnable openModelFolder) { }

    private final Actions actions;
    private final VBox samples = new VBox(10);
    private final VBox recent = new VBox(2);

    public WelcomeView(Actions actions) {
        this.actions = actions;
        setId("welcome");
        setFitToWidth(true);
        Label title = new Label("GRPO Workbench");
        title.setStyle("-fx-font-size: 22px; -fx-font-weight: bold;");
        Label subtitle = new Label("Train a language model with Group Relative Policy Optimization and watch, token by "
                + "token, where each update pushes.");
        subtitle.setWrapText(true);
        Button newProject = new Button("New Project…");
        newProject.setId("welcomeNew");
        newProject.setOnAction(e -> actions.newFrom().accept(null));
        Button open = new Button("Open Project…");
        open.setId("welcomeOpen");
        open.setOnAction(e -> actions.openChooser().run());
        Button model = new Button("Open Model Folder…");
        model.setId("welcomeModel");
        model.setOnAction(e -> actions.openModelFolder().run());
        samples.setId("samples");
        recent.setId("recent");
        VBox page = new VBox(14, title, subtitle, new HBox(8, newProject, open, model),
                heading("Sample projects"), samples, heading("Recent projects"), recent);
        page.setPadding(new Insets(24));
        page.setMaxWidth(900);
        setContent(page);
        setSamples(List.of());
        setRecent(List.of());
    }

    public void setSamples(List<SampleProject> list) {
        samples.getChildren().clear();
        if (list.isEmpty()) {
            samples.getChildren().add(new Label("No sample projects found (looked in sample-projects/ of the installation)."));
        }
        for (SampleProject s : list) {
            Label name = new Label(s.name());
            name.setStyle("-fx-font-weight: bold; -fx-font-size: 14px;");
            Label description = new Label(s.description().isEmpty() ? s.dir().toString() : s.description());
            description.setWrapText(true);
            Button openIt = new Button("Open");
            openIt.setId("openSample-" + s.name());
            openIt.setOnAction(e -> actions.open().accept(s.dir()));
            Button copy = new Button("New project from this…");
            copy.setId("newFrom-" + s.name());
            copy.setOnAction(e -> actions.newFrom().accept(s));
            VBox card = new VBox(4, name, description, new HBox(8, openIt, copy));
            card.setId("sample-" + s.name());
            card.getStyleClass().add("sample-card");
            card.setStyle("-fx-padding: 10; -fx-border-color: -fx-box-border; -fx-border-radius: 4;");
            samples.getChildren().add(card);
        }
    }

    public void setRecent(List<Path> projects) {
        recent.getChildren().clear();
        if (projects.isEmpty()) {
            recent.getChildren().add(new Label("None yet."));
        }
        for (Path p : projects) {
            Hyperlink link = new Hyperlink(p.toString());
            link.setOnAction(e -> actions.open().accept(p));
            recent.getChildren().add(link);
        }
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-size: 15px; -fx-font-weight: bold; -fx-padding: 8 0 0 0;");
        return l;
    }
}
