package org.grpowb.desktop.steer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.grpowb.core.engine.Edits;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.hints.HintBook;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.dashboard.EditMarker;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.shell.LongWork;

/**
 * The steering panel's view model: the open project's problems and hints, the run it steers (the session's live run,
 * else a stored one opened in the window), and that run's edits and prompt statistics. Edits are submitted to the run
 * store, and the store read, as {@link LongWork} off the JavaFX thread; results come back on it. The run applies each
 * edit at its next step boundary and says so with an event, upon which the edit log is read again.
 */
public final class SteeringModel {

    /** What the window writes as an edit's source. */
    public static final String SOURCE = "window";
    /** The prompt table is read again at most this often while a run trains, in ms (it reads every group). */
    static final long PROMPTS_EVERY_MS = 3000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunSession session;
    private final LongWork work;
    private final Supplier<Path> storeFile;
    private final Consumer<List<EditMarker>> markers;
    private final ObjectProperty<Project> project = new SimpleObjectProperty<>();
    private final ObjectProperty<HintBook> book = new SimpleObjectProperty<>(HintBook.empty());
    private final LongProperty runId = new SimpleLongProperty(-1);
    private final IntegerProperty step = new SimpleIntegerProperty();
    private final IntegerProperty version = new SimpleIntegerProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<EditRecord> edits = FXCollections.observableArrayList();
    private final ObservableList<PromptStats.Row> prompts = FXCollections.observableArrayList();
    private final StageTimeline timeline = new StageTimeline();
    private final BooleanBinding live;
    private final ExecutorService previews = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hint-preview");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong previewGeneration = new AtomicLong();
    private long promptsReadAt;
    private boolean promptsInFlight;
    private boolean editsInFlight;
    private boolean editsAgain;

    public SteeringModel(RunSession session, LongWork work, Supplier<Path> storeFile,
                         Consumer<List<EditMarker>> markers) {
        this.session = session;
        this.work = work;
        this.storeFile = storeFile;
        this.markers = markers;
        live = Bindings.createBooleanBinding(() -> {
            RunSession.State st = session.stateProperty().get();
            return (st == RunSession.State.RUNNING || st == RunSession.State.PAUSED) && runId.get() >= 0
                    && runId.get() == session.runId();
        }, session.stateProperty(), runId);
        session.stateProperty().addListener((o, was, now) -> {
            if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
                refreshEdits();
                refreshPrompts();
            }
        });
    }

    /**
     * Shows a newly opened project: its problems and their hints (the data's, then its hints file's, read in the
     * background), its curriculum on the timeline. Call on the JavaFX thread.
     */
    public void project(Project p) {
        project.set(p);
        timeline.load(p.curriculum().toJson());
        work.submit("Reading the hints of " + p.name(), new Task<HintBook>() {
            @Override
            protected HintBook call() {
                HintBook b = HintBook.of(p.data().train());
                return p.hints().file() == null ? b : b.withFile(p.hints().file());
            }
        }, b -> {
            if (project.get() == p) {
                book.set(b);
            }
        });
    }

    /** Follows a stored run opened in the window (read-only: it no longer trains). */
    public void follow(long storedRunId) {
        runId.set(storedRunId);
        edits.clear();
        prompts.clear();
        refreshEdits();
        refreshPrompts();
    }

    /** One frame's events of the session's run. JavaFX thread. */
    public void accept(List<RunEvent> events) {
        boolean editsChanged = false;
        boolean stepped = false;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.Started st) {
                runId.set(st.runId());
                version.set(0);
                edits.clear();
                prompts.clear();
                promptsReadAt = 0;
                markers.accept(List.of());
                if (project.get() != null) {
                    timeline.load(project.get().curriculum().toJson());
                }
                editsChanged = true; // a resumed run has edits already
            } else if (e instanceof RunEvent.StepCompleted sc) {
                step.set(sc.step().step());
                stepped = true;
            } else if (e instanceof RunEvent.EditApplied ea) {
                version.set(ea.version());
                applied(ea.edit());
                status.set("edit " + ea.edit().id() + " (" + ea.edit().kind() + ") applied from step " + ea.step()
                        + ": version " + ea.version());
                editsChanged = true;
            } else if (e instanceof RunEvent.EditRefused er) {
                status.set("edit " + er.edit().id() + " (" + er.edit().kind() + ") refused: " + er.reason());
                editsChanged = true;
            }
        }
        timeline.accept(events);
        if (editsChanged) {
            refreshEdits();
        }
        if (stepped && System.currentTimeMillis() - promptsReadAt >= PROMPTS_EVERY_MS) {
            refreshPrompts();
        }
    }

    /** What an applied edit changes in what the panel shows: a problem's hints, the curriculum. */
    private void applied(EditRecord edit) {
        try {
            JsonNode payload = JSON.readTree(edit.payloadJson());
            switch (edit.kind()) {
                case Edits.HINTS -> {
                    HintBook b = book.get();
                    for (Iterator<Map.Entry<String, JsonNode>> it = payload.path("hints").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> h = it.next();
                        List<String> tiers = new ArrayList<>();
                        h.getValue().forEach(t -> tiers.add(t.asText()));
                        if (b.ids().contains(h.getKey())) {
                            b = b.withHints(h.getKey(), tiers);
                        }
                    }
                    book.set(b);
                }
                case Edits.CURRICULUM -> timeline.load(payload);
                case Edits.SET -> {
                    if (payload.path("key").asText().equals("curriculum.sampler")) {
                        timeline.samplerChanged(payload.path("value").asText());
                    }
                }
                default -> { }
            }
        } catch (java.io.IOException | RuntimeException e) {
            status.set("edit " + edit.id() + " was applied but cannot be shown here: " + e.getMessage());
        }
    }

    /**
     * Submits an edit to the live run, off the JavaFX thread; the run picks it up at its next step boundary.
     *
     * @param what how the status line names it
     */
    public void submit(String kind, ObjectNode payload, String what) {
        if (!live.get()) {
            status.set("start a run to steer it");
            return;
        }
        long id = runId.get();
        Path file = storeFile.get();
        String json = payload.toString();
        work.submit("Submitting " + what, new Task<Long>() {
            @Override
            protected Long call() {
                try (RunStore store = RunStore.open(file)) {
                    return store.submitEdit(id, kind, json, SOURCE);
                }
            }
        }, editId -> {
            status.set("submitted " + what + " as edit " + editId + "; the run applies it at its next step");
            refreshEdits();
        }, failure -> status.set("could not submit " + what + ": " + failure.getMessage()));
    }

    /** Reads the run's edits again (one read in flight at a time, one more queued) and marks the applied ones. */
    public void refreshEdits() {
        long id = runId.get();
        Path file = storeFile.get();
        if (id < 0 || file == null) {
            return;
        }
        if (editsInFlight) {
            editsAgain = true;
            return;
        }
        editsInFlight = true;
        work.submit("Reading the edits of run " + id, new Task<List<EditRecord>>() {
            @Override
            protected List<EditRecord> call() {
                if (!Files.exists(file)) {
                    return List.of();
                }
                try (RunStore store = RunStore.open(file)) {
                    return store.edits(id);
                }
            }
        }, read -> {
            editsDone();
            if (runId.get() == id) {
                edits.setAll(read);
                markers.accept(markersOf(read));
            }
        }, failure -> editsDone());
    }

    private void editsDone() {
        editsInFlight = false;
        if (editsAgain) {
            editsAgain = false;
            refreshEdits();
        }
    }

    /** Reads every prompt visit of the run again and aggregates them per prompt. */
    public void refreshPrompts() {
        long id = runId.get();
        Path file = storeFile.get();
        if (id < 0 || file == null || promptsInFlight) {
            return;
        }
        promptsInFlight = true;
        promptsReadAt = System.currentTimeMillis();
        work.submit("Reading the prompts of run " + id, new Task<List<PromptStats.Row>>() {
            @Override
            protected List<PromptStats.Row> call() {
                if (!Files.exists(file)) {
                    return List.of();
                }
                try (RunStore store = RunStore.open(file)) {
                    return PromptStats.rows(store.promptVisits(id));
                }
            }
        }, rows -> {
            promptsInFlight = false;
            if (runId.get() == id) {
                prompts.setAll(rows);
            }
        }, failure -> promptsInFlight = false);
    }

    /** The dashboard's markers: one per applied edit, at the step it took effect from. */
    public static List<EditMarker> markersOf(List<EditRecord> edits) {
        return edits.stream().filter(e -> EditRecord.APPLIED.equals(e.status()) && e.step() != null
                && e.version() != null).map(e -> new EditMarker(e.step(), e.version())).toList();
    }

    /**
     * Renders {@code text} with the live policy's chat template, off the JavaFX thread, and hands the result to
     * {@code done} on it (empty when no run is live); a newer request makes an older one's result be dropped.
     */
    public void renderWithTemplate(String text, Consumer<Optional<String>> done) {
        long generation = previewGeneration.incrementAndGet();
        previews.execute(() -> {
            Optional<String> rendered;
            try {
                rendered = session.renderPrompt(text);
            } catch (RuntimeException e) {
                rendered = Optional.empty();
            }
            Optional<String> out = rendered;
            Platform.runLater(() -> {
                if (generation == previewGeneration.get()) {
                    done.accept(out);
                }
            });
        });
    }

    public ObjectProperty<Project> projectProperty() {
        return project;
    }

    public ObjectProperty<HintBook> bookProperty() {
        return book;
    }

    /** The run steered or shown: the session's, or a stored one; −1 for none. */
    public LongProperty runIdProperty() {
        return runId;
    }

    public IntegerProperty stepProperty() {
        return step;
    }

    /** The live run's edit version. */
    public IntegerProperty versionProperty() {
        return version;
    }

    /** Whether the run shown trains now, so that edits can be submitted to it. */
    public BooleanBinding liveProperty() {
        return live;
    }

    /** The last thing the panel has to say: an edit submitted, applied, refused, or why it could not be. */
    public StringProperty statusProperty() {
        return status;
    }

    public ObservableList<EditRecord> edits() {
        return edits;
    }

    public ObservableList<PromptStats.Row> prompts() {
        return prompts;
    }

    public StageTimeline timeline() {
        return timeline;
    }
}
