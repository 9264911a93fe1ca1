package org.grpowb.desktop.projects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.RunInfo;
import org.grpowb.desktop.shell.Icons;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The project explorer: the open project's files, data, model, variant, rewards and runs. A double-click (or Enter)
 * on a file opens it in an editor; on a run, shows it in the run history. Each row has an icon for its {@link Kind}.
 */
public final class ProjectExplorer extends TreeView<ProjectExplorer.Item> {

    /** What a node of the tree stands for, and so its icon. */
    public enum Kind {
        PROJECT(Feather.BOX), FOLDER(Feather.FOLDER), FILE(Feather.FILE_TEXT), DATA(Feather.DATABASE),
        MODEL(Feather.CPU), DETAIL(Feather.INFO), VARIANT(Feather.GIT_BRANCH), REWARDS(Feather.AWARD),
        REWARD(Feather.STAR), PLUGINS(Feather.PACKAGE), PLUGIN(Feather.PACKAGE), PLUGIN_UNUSED(Feather.SLASH),
        PLUGIN_FAILED(Feather.ALERT_TRIANGLE), RUNS(Feather.ACTIVITY), RUN_LIVE(Feather.PLAY_CIRCLE),
        RUN_DONE(Feather.CHECK_CIRCLE), RUN_STOPPED(Feather.STOP_CIRCLE), RUN_FAILED(Feather.X_CIRCLE);

        private final Ikon icon;

        Kind(Ikon icon) {
            this.icon = icon;
        }
    }

    /** A node of the tree; {@code file} or {@code runId} (−1 when none) say what it opens. */
    public record Item(String label, Kind kind, Path file, long runId) {
        static Item of(String label, Kind kind) {
            return new Item(label, kind, null, -1);
        }

        /** The row's icon: a file's says what kind of file it is (settings, data, code, prose). */
        public Ikon icon() {
            return kind == Kind.FILE && file != null ? Icons.forFile(file) : kind.icon;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The text files a project's editors open; run stores and checkpoints are binary and kept out. */
    private static final Set<String> TEXT = Set.of("yaml", "yml", "jsonl", "json", "md", "txt", "py", "csv");

    private final Consumer<Path> openFile;
    private final LongConsumer openRun;
    private TreeItem<Item> runs;

    public ProjectExplorer(Consumer<Path> openFile, LongConsumer openRun) {
        this.openFile = openFile;
        this.openRun = openRun;
        setId("explorer");
        setCellFactory(tree -> new TreeCell<>() {
            private final Tooltip tip = new Tooltip();

            @Override
            protected void updateItem(Item item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.label());
                setGraphic(empty || item == null ? null : Icons.of(item.icon()));
                // the explorer is narrow: a long line (a model's architecture, a folder) is read whole on hover
                tip.setText(empty || item == null ? "" : item.label());
                setTooltip(empty || item == null ? null : tip);
            }
        });
        setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                activate();
            }
        });
        setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                activate();
            }
        });
    }

    /** The project's text files, relative paths sorted, skipping its runs and checkpoints. Reads the disk. */
    public static List<Path> projectFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir, 4)) {
            return s.filter(Files::isRegularFile)
                    .map(dir::relativize)
                    .filter(p -> !p.getName(0).toString().equals("runs") && !p.getName(0).toString().equals("checkpoints"))
                    .filter(p -> TEXT.contains(extension(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** A folder that could not be opened as a project. */
    public void showUnopened(Path dir) {
        setRoot(new TreeItem<>(Item.of(String.valueOf(dir), Kind.FOLDER)));
        runs = null;
    }

    /**
     * The project's tree; its runs come later through {@link #showRuns}.
     *
     * @param plugins one line per plugin jar of the project (name and whether it loaded), none when it has none
     * @param model   lines under the model: for a model folder, its architecture and size first; none otherwise
     */
    public void show(Project project, List<Path> files, List<String> plugins, List<String> model) {
        TreeItem<Item> root = new TreeItem<>(Item.of(project.name(), Kind.PROJECT));
        root.setExpanded(true);
        TreeItem<Item> fileNode = new TreeItem<>(Item.of("files", Kind.FOLDER));
        fileNode.setExpanded(true);
        for (Path rel : files) {
            Item file = new Item(rel.toString(), Kind.FILE, project.dir().resolve(rel), -1);
            fileNode.getChildren().add(new TreeItem<>(file));
        }
        root.getChildren().add(fileNode);
        root.getChildren().add(new TreeItem<>(Item.of("data: " + project.data().train().size() + " train, "
                + project.data().eval().size() + " eval", Kind.DATA)));
        TreeItem<Item> modelNode =
                new TreeItem<>(Item.of("model: " + project.model().factory().name(), Kind.MODEL));
        model.forEach(line -> modelNode.getChildren().add(new TreeItem<>(Item.of(line, Kind.DETAIL))));
        modelNode.setExpanded(true);
        root.getChildren().add(modelNode);
        root.getChildren().add(
                new TreeItem<>(Item.of("variant: " + project.variant().variant().name(), Kind.VARIANT)));
        TreeItem<Item> rewards = new TreeItem<>(Item.of("rewards", Kind.REWARDS));
        project.rewards().forEach(r -> rewards.getChildren().add(
                new TreeItem<>(Item.of(r.function().name() + " × " + r.weight(), Kind.REWARD))));
        rewards.setExpanded(true);
        root.getChildren().add(rewards);
        if (!plugins.isEmpty()) {
            TreeItem<Item> jars = new TreeItem<>(Item.of("plugins", Kind.PLUGINS));
            plugins.forEach(line -> jars.getChildren().add(new TreeItem<>(Item.of(line, pluginKind(line)))));
            jars.setExpanded(true);
            root.getChildren().add(jars);
        }
        runs = new TreeItem<>(Item.of("runs", Kind.RUNS));
        runs.setExpanded(true);
        root.getChildren().add(runs);
        setRoot(root);
    }

    /** The lines under the model node (architecture and size of a model folder); empty when there are none. */
    public List<String> modelLines() {
        if (getRoot() == null) {
            return List.of();
        }
        return getRoot().getChildren().stream().filter(i -> i.getValue().label().startsWith("model: ")).findFirst()
                .map(m -> m.getChildren().stream().map(c -> c.getValue().label()).toList()).orElse(List.of());
    }

    public void showRuns(List<RunInfo> list) {
        if (runs == null) {
            return;
        }
        // a running run's step count is in the status bar; the store's count lags behind its writer
        runs.getChildren().setAll(list.stream().map(r -> new TreeItem<>(new Item("run " + r.id() + " · " + r.variant()
                + " · " + r.status() + (r.status().equals("running") ? "" : " · " + r.lastStep() + " steps"),
                runKind(r.status()), null, r.id()))).toList());
    }

    private void activate() {
        TreeItem<Item> selected = getSelectionModel().getSelectedItem();
        if (selected == null) {
            return;
        }
        Item item = selected.getValue();
        if (item.file() != null) {
            openFile.accept(item.file());
        } else if (item.runId() >= 0) {
            openRun.accept(item.runId());
        }
    }

    /** A run's icon says how it ended: the store's statuses are running, done, stopped (resumable) and failed. */
    private static Kind runKind(String status) {
        return switch (status) {
            case "running" -> Kind.RUN_LIVE;
            case "done" -> Kind.RUN_DONE;
            case "stopped" -> Kind.RUN_STOPPED;
            default -> Kind.RUN_FAILED;
        };
    }

    /** A plugin line ends with its state ({@code PluginManagement.jarLines}): loaded, failed to load, or not in use. */
    private static Kind pluginKind(String line) {
        if (line.endsWith("failed to load")) {
            return Kind.PLUGIN_FAILED;
        }
        return line.endsWith("loaded") ? Kind.PLUGIN : Kind.PLUGIN_UNUSED;
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
