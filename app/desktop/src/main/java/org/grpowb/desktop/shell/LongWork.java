package org.grpowb.desktop.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;

/**
 * Long actions off the JavaFX thread (opening a project, loading a large run, evaluating a checkpoint), shown in the
 * status bar with their progress and a Cancel button. A failure is handed to the window's failure handler (which lists
 * it as a problem and notifies), never thrown at the user; a cancelled action's result is dropped.
 * <p>
 * Tasks should check {@link Task#isCancelled()} between units of work; cancelling also interrupts the task's thread.
 * Node ids: {@code #work} (the indicator), {@code #workMessage}, {@code #workProgress}, {@code #cancelWork}.
 */
public final class LongWork {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "long-work-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final List<Task<?>> active = new ArrayList<>();
    private final Map<Task<?>, String> titles = new HashMap<>();
    private final ReadOnlyIntegerWrapper running = new ReadOnlyIntegerWrapper(this, "running");
    private final Label message = new Label();
    private final ProgressBar progress = new ProgressBar();
    private final Button cancel = new Button("Cancel");
    private final HBox indicator = new HBox(6, message, progress, cancel);
    private BiConsumer<String, Throwable> onFailure = (title, t) -> { };
    private Consumer<String> onCancelled = title -> { };

    public LongWork() {
        indicator.setId("work");
        indicator.setAlignment(Pos.CENTER_LEFT);
        message.setId("workMessage");
        progress.setId("workProgress");
        progress.setPrefWidth(120);
        cancel.setId("cancelWork");
        cancel.setOnAction(e -> cancelNewest());
        indicator.visibleProperty().bind(running.greaterThan(0));
        indicator.managedProperty().bind(indicator.visibleProperty());
    }

    /** The status-bar indicator: the newest action's message, its progress and Cancel. */
    public HBox indicator() {
        return indicator;
    }

    /** Called on the JavaFX thread with the action's title and what went wrong. */
    public void onFailure(BiConsumer<String, Throwable> handler) {
        this.onFailure = handler;
    }

    public void onCancelled(Consumer<String> handler) {
        this.onCancelled = handler;
    }

    /** How many actions are in progress. */
    public ReadOnlyIntegerProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /**
     * Starts {@code task} in the background; {@code onDone} gets its value on the JavaFX thread. Call on the JavaFX
     * thread.
     */
    public <T> Task<T> submit(String title, Task<T> task, Consumer<T> onDone) {
        return submit(title, task, onDone, failure -> { });
    }

    /**
     * The same, with {@code onFailed} called on the JavaFX thread when the task fails (after the window's failure
     * handler) or is cancelled (with a {@link java.util.concurrent.CancellationException}).
     */
    public <T> Task<T> submit(String title, Task<T> task, Consumer<T> onDone, Consumer<Throwable> onFailed) {
        task.setOnSucceeded(e -> {
            finish(task);
            onDone.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            finish(task);
            onFailure.accept(title, task.getException());
            onFailed.accept(task.getException());
        });
        task.setOnCancelled(e -> {
            finish(task);
            onCancelled.accept(title);
            onFailed.accept(new CancellationException(title + " cancelled"));
        });
        active.add(task);
        titles.put(task, title);
        running.set(active.size());
        showNewest();
        pool.execute(task);
        return task;
    }

    /** Cancels the action the indicator shows. */
    public void cancelNewest() {
        if (!active.isEmpty()) {
            active.get(active.size() - 1).cancel(true);
        }
    }

    private void finish(Task<?> task) {
        active.remove(task);
        titles.remove(task);
        running.set(active.size());
        showNewest();
    }

    private void showNewest() {
        message.textProperty().unbind();
        progress.progressProperty().unbind();
        if (active.isEmpty()) {
            message.setText("");
            progress.setProgress(0);
            return;
        }
        Task<?> newest = active.get(active.size() - 1);
        String title = titles.get(newest);
        message.textProperty().bind(Bindings.createStringBinding(() ->
                newest.getMessage() == null || newest.getMessage().isEmpty() ? title : title + ": " + newest.getMessage(),
                newest.messageProperty()));
        progress.progressProperty().bind(newest.progressProperty());
        cancel.setDisable(newest.getState() == Worker.State.CANCELLED);
    }
}
