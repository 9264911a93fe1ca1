package org.grpowb.desktop.plugins;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.grpowb.core.engine.RewardScorer;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginStatus;
import org.grpowb.desktop.shell.LongWork;

/**
 * Every plugin file of the open project in one table: its kind, version, file, short hash, trust and state, what it
 * provides or why it failed, and how many rollouts of the current run had a failed reward. The buttons act on the
 * selected file: Enable/Disable (through {@code plugins/disabled}), Remove (after a confirmation) and Trust… for an
 * untrusted one; Add… and Python Interpreter… are the Plugins menu's.
 * <p>
 * The failures column counts, for each plugin whose rewards the current run uses, the rollouts on which one of its
 * rewards failed, from the steps' {@code reward_failures.<name>} metrics ({@code RewardScorer.FAILURES_OF}); "—" for
 * the others.
 * <p>
 * Node ids: {@code #pluginTable}, {@code #pluginAdd}, {@code #pluginToggle}, {@code #pluginRemove},
 * {@code #pluginTrust}, {@code #pluginPython}, {@code #confirmRemove}.
 */
public final class PluginManagerView extends BorderPane {

    /** The remove confirmation's button. */
    static final ButtonType REMOVE = new ButtonType("Remove", ButtonBar.ButtonData.OK_DONE);

    private final PluginManagement plugins;
    private final Supplier<Path> projectDir;
    private final LongWork work;
    private final TableView<PluginRow> table = new TableView<>();
    private final Button toggle = new Button("Disable");
    private final Button remove = new Button("Remove…");
    private final Button trust = new Button("Trust…");
    /** Rollouts of the current run with a failed reward, and the rewards that run uses. */
    private final java.util.Map<String, Integer> runFailures = new java.util.HashMap<>();
    private Set<String> runRewards = Set.of();
    private boolean runSeen;
    /** Bumped on each refresh; rows read for an older registry are dropped. */
    private long generation;

    public PluginManagerView(PluginManagement plugins, Supplier<Path> projectDir, LongWork work) {
        this.plugins = plugins;
        this.projectDir = projectDir;
        this.work = work;
        table.setId("pluginTable");
        table.setPlaceholder(new Label("No plugin files: drop a .jar, .java or .py reward plugin on the window"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(List.of(column("File", 150, PluginRow::fileName),
                column("Kind", 80, PluginRow::kind), column("Version", 70, PluginRow::version),
                column("SHA-256", 100, PluginRow::shortHash), column("Trust", 80, PluginRow::trust),
                column("State", 70, PluginRow::state), column("Run failures", 100,
                        this::failures), column("Provides / problems", 320, PluginRow::detail)));
        table.setRowFactory(v -> new javafx.scene.control.TableRow<>() {
            @Override
            protected void updateItem(PluginRow row, boolean empty) {
                super.updateItem(row, empty);
                setTooltip(empty || row == null ? null : new Tooltip("sha256 " + row.status().sha256() + "\n"
                        + row.detail()));
            }
        });

        Button add = button("Add…", "pluginAdd", plugins::addFromChooser);
        toggle.setId("pluginToggle");
        toggle.setOnAction(e -> selected(row -> {
            plugins.setDisabled(row.fileName(), row.status().state() != PluginStatus.State.DISABLED);
            return null;
        }));
        remove.setId("pluginRemove");
        remove.setOnAction(e -> selected(row -> {
            confirmRemove(row);
            return null;
        }));
        trust.setId("pluginTrust");
        trust.setOnAction(e -> selected(row -> {
            plugins.trustAgain(row.status());
            return null;
        }));
        Button python = button("Python Interpreter…", "pluginPython", plugins::choosePython);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> enableButtons(now));
        enableButtons(null);
        HBox bar = new HBox(6, add, toggle, remove, trust, python);
        bar.setPadding(new Insets(4));
        setTop(bar);
        setCenter(table);
        setId("pluginManager");
        plugins.currentProperty().addListener((o, was, now) -> refresh(now));
        refresh(plugins.current());
    }

    /** The rows shown, for tests and the screenshot. */
    public List<String> fileNames() {
        return table.getItems().stream().map(PluginRow::fileName).toList();
    }

    /** The state of a file as the table shows it ("loaded", "untrusted", "disabled", "failed"), or null. */
    public String stateOf(String fileName) {
        return table.getItems().stream().filter(r -> r.fileName().equals(fileName)).map(PluginRow::state)
                .findFirst().orElse(null);
    }

    /** Selects a file's row, as a click would. */
    public void select(String fileName) {
        table.getItems().stream().filter(r -> r.fileName().equals(fileName)).findFirst()
                .ifPresent(r -> table.getSelectionModel().select(r));
    }

    /** A frame of the run's events: counts each reward's failed rollouts in this run. */
    public void accept(List<RunEvent> events) {
        boolean changed = false;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.Started st) {
                runFailures.clear();
                runSeen = true;
                runRewards = rewardsOf(st.configJson());
                changed = true;
            } else if (e instanceof RunEvent.StepCompleted sc) {
                sc.step().metrics().extra().forEach((k, v) -> {
                    if (k.startsWith(RewardScorer.FAILURES_OF)) {
                        runFailures.merge(k.substring(RewardScorer.FAILURES_OF.length()), (int) Math.round(v),
                                Integer::sum);
                    }
                });
                changed = true;
            }
        }
        if (changed) {
            table.refresh();
        }
    }

    private String failures(PluginRow row) {
        if (!runSeen || row.rewards().stream().noneMatch(runRewards::contains)) {
            return "—";
        }
        return Integer.toString(row.rewards().stream().mapToInt(r -> runFailures.getOrDefault(r, 0)).sum());
    }

    private void refresh(PluginRegistry registry) {
        long reading = ++generation;
        if (registry == null) {
            table.getItems().clear();
            return;
        }
        Path dir = projectDir.get();
        List<PluginStatus> statuses = registry.statuses();
        work.submit("Listing plugins", new Task<List<PluginRow>>() {
            @Override
            protected List<PluginRow> call() {
                return statuses.stream().map(s -> PluginRow.of(dir, s)).toList();
            }
        }, rows -> {
            if (reading == generation) {
                String was = table.getSelectionModel().getSelectedItem() == null ? null
                        : table.getSelectionModel().getSelectedItem().fileName();
                table.getItems().setAll(rows);
                if (was != null) {
                    select(was);
                }
                enableButtons(table.getSelectionModel().getSelectedItem());
            }
        });
    }

    private void enableButtons(PluginRow row) {
        toggle.setDisable(row == null);
        remove.setDisable(row == null);
        trust.setDisable(row == null || row.status().trusted()
                || row.status().state() == PluginStatus.State.DISABLED);
        toggle.setText(row != null && row.status().state() == PluginStatus.State.DISABLED ? "Enable" : "Disable");
    }

    private void selected(Function<PluginRow, Void> action) {
        PluginRow row = table.getSelectionModel().getSelectedItem();
        if (row != null) {
            action.apply(row);
        }
    }

    private void confirmRemove(PluginRow row) {
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "", ButtonType.CANCEL, REMOVE);
        confirm.setTitle("Remove plugin");
        confirm.setHeaderText("Delete " + PluginRegistry.PROJECT_PLUGINS + "/" + row.fileName() + " from the project?");
        confirm.setContentText("The file is deleted from the project's plugins folder. A run that names its rewards in "
                + "project.yaml will not open until they are removed there too.");
        confirm.getDialogPane().lookupButton(REMOVE).setId("confirmRemove");
        ((Button) confirm.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ((Button) confirm.getDialogPane().lookupButton(REMOVE)).setDefaultButton(false);
        if (getScene() != null) {
            confirm.initOwner(getScene().getWindow());
        }
        if (confirm.showAndWait().orElse(ButtonType.CANCEL) == REMOVE) {
            plugins.remove(row.fileName());
        }
    }

    /** The reward names of a run's resolved configuration ({@code rewards: [{name: …}]}). */
    private static Set<String> rewardsOf(String configJson) {
        Set<String> out = new HashSet<>();
        try {
            com.fasterxml.jackson.databind.JsonNode rewards = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(configJson).path("rewards");
            rewards.forEach(r -> out.add(r.path("name").asText()));
        } catch (java.io.IOException | RuntimeException e) {
            // a configuration that cannot be read names no rewards: the column shows "—"
        }
        return out;
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private static TableColumn<PluginRow, String> column(String title, double width, Function<PluginRow, String> value) {
        TableColumn<PluginRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())).getReadOnlyProperty());
        return c;
    }
}
