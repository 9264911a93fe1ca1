package org.grpowb.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.grpowb.core.store.RolloutHit;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.shell.LongWork;

/**
 * Search across every step of a run: the store finds the completions that contain the text, and choosing a hit opens
 * its step in the inspector at its group and rollout. The inspector's own search field searches the step on show.
 * <p>
 * Node ids: {@code #runSearch}, {@code #runSearchGo}, {@code #runSearchHits}, {@code #runSearchStatus}.
 */
final class RunSearchPane extends BorderPane {

    /** How many hits one search lists; a run of thousands of steps can match far more than anyone reads. */
    static final int LIMIT = 500;

    private final TextField query = new TextField();
    private final ListView<RolloutHit> hits = new ListView<>();
    private final Label status = new Label("search every step of the run");
    private final LongWork work;
    private final Supplier<Path> storeFile;
    private final LongSupplier runId;
    private final Consumer<RolloutHit> onChoose;

    RunSearchPane(LongWork work, Supplier<Path> storeFile, LongSupplier runId,
                  Consumer<RolloutHit> onChoose) {
        this.work = work;
        this.storeFile = storeFile;
        this.runId = runId;
        this.onChoose = onChoose;
        query.setId("runSearch");
        query.setPromptText("text in a completion");
        query.setOnAction(e -> search());
        Button go = new Button("Search");
        go.setId("runSearchGo");
        go.setOnAction(e -> search());
        hits.setId("runSearchHits");
        hits.setPlaceholder(new Label("no hits"));
        hits.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(RolloutHit h, boolean empty) {
                super.updateItem(h, empty);
                setText(empty || h == null ? null : String.format(Locale.ROOT, "step %d  g%d r%d   %s",
                        h.step(), h.groupIndex(), h.rolloutIndex(), h.completion().strip()));
            }
        });
        hits.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                onChoose.accept(now);
            }
        });
        status.setId("runSearchStatus");
        status.setWrapText(true);
        HBox.setHgrow(query, Priority.ALWAYS);
        VBox top = new VBox(4, new HBox(4, query, go), status);
        top.setPadding(new Insets(4));
        setTop(top);
        setCenter(hits);
        setMinWidth(220);
    }

    /** Searches the run on show for the text in the field, in the background. */
    void search() {
        String text = query.getText();
        long run = runId.getAsLong();
        Path file = storeFile.get();
        if (text.isEmpty() || run < 0 || file == null) {
            status.setText(run < 0 ? "no run to search yet" : "enter some text");
            return;
        }
        work.submit("Searching run " + run, new Task<List<RolloutHit>>() {
            @Override
            protected List<RolloutHit> call() {
                if (!Files.exists(file)) {
                    return List.of();
                }
                try (RunStore store = RunStore.open(file)) {
                    return store.searchRollouts(run, text, LIMIT);
                }
            }
        }, found -> {
            hits.getItems().setAll(found);
            status.setText(found.size() == LIMIT ? "the first " + LIMIT + " hits in run " + run
                    : found.size() + (found.size() == 1 ? " hit" : " hits") + " in run " + run);
        });
    }

    ListView<RolloutHit> hits() {
        return hits;
    }

    TextField query() {
        return query;
    }
}
