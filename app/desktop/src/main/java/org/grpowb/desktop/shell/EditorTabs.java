package org.grpowb.desktop.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.concurrent.Task;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/**
 * The text files open in the editor area, one {@link FileEditor} tab per file: a file already open is brought forward
 * rather than opened twice. Files are read as long work; the tab's title marks unsaved changes with {@code *}.
 */
public final class EditorTabs {

    private final TabPane editors;
    private final LongWork work;
    private final Consumer<Path> onSaved;

    /** @param onSaved told the file's path, on the JavaFX thread, after each successful save */
    public EditorTabs(TabPane editors, LongWork work, Consumer<Path> onSaved) {
        this.editors = editors;
        this.work = work;
        this.onSaved = onSaved;
    }

    /** Opens {@code file} (or brings its tab forward), at the 1-based {@code line} when positive. */
    public void open(Path file, int line) {
        Path abs = file.toAbsolutePath().normalize();
        for (Tab t : editors.getTabs()) {
            if (t.getContent() instanceof FileEditor fe && fe.file().equals(abs)) {
                editors.getSelectionModel().select(t);
                if (line > 0) {
                    fe.goToLine(line);
                }
                return;
            }
        }
        work.submit("Reading " + abs.getFileName(), new Task<String>() {
            @Override
            protected String call() throws Exception {
                return Files.readString(abs);
            }
        }, text -> {
            FileEditor editor = new FileEditor(abs, text, work);
            String name = abs.getFileName().toString();
            Tab tab = new Tab(name, editor);
            tab.setGraphic(Icons.of(Icons.forFile(abs)));
            tab.setId("file-" + name);
            tab.textProperty().bind(Bindings.when(editor.modifiedProperty()).then("*" + name).otherwise(name));
            editor.setOnSaved(() -> onSaved.accept(abs));
            editors.getTabs().add(tab);
            editors.getSelectionModel().select(tab);
            if (line > 0) {
                editor.goToLine(line);
            }
        });
    }
}
