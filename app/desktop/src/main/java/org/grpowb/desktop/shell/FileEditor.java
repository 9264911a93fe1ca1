package org.grpowb.desktop.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * A plain-text editor for a project file (its YAML, a data file, a hint list), opened from the explorer or from a
 * problem at the problem's line. Ctrl+S saves atomically, off the JavaFX thread (written beside the file, then moved over
 * it), and tells the window, which validates the project again. The text is given to the editor already read (the window reads it off
 * the JavaFX thread).
 * <p>
 * Node ids: {@code #editorText}, {@code #editorLine}, {@code #editorSave}.
 */
public final class FileEditor extends BorderPane {

    private final Path file;
    private final LongWork work;
    private final TextArea text = new TextArea();
    private final Label position = new Label();
    private final ReadOnlyBooleanWrapper modified = new ReadOnlyBooleanWrapper(this, "modified");
    private Runnable onSaved = () -> { };

    public FileEditor(Path file, String content, LongWork work) {
        this.file = file;
        this.work = work;
        text.setId("editorText");
        text.setText(content);
        text.setWrapText(false);
        text.setStyle("-fx-font-family: monospace;");
        text.textProperty().addListener((o, was, now) -> modified.set(true));
        text.caretPositionProperty().addListener((o, was, now) -> showPosition());
        text.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN).match(e)) {
                save();
                e.consume();
            }
        });
        position.setId("editorLine");
        Button save = new Button("Save");
        save.setId("editorSave");
        save.disableProperty().bind(modified.not());
        save.setOnAction(e -> save());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, new Label(file.toString()), grow, position, save);
        bar.setPadding(new Insets(3, 6, 3, 6));
        setCenter(text);
        setBottom(bar);
        showPosition();
    }

    public Path file() {
        return file;
    }

    public String text() {
        return text.getText();
    }

    /** Called on the JavaFX thread after a save succeeded. */
    public void setOnSaved(Runnable onSaved) {
        this.onSaved = onSaved;
    }

    public ReadOnlyBooleanProperty modifiedProperty() {
        return modified.getReadOnlyProperty();
    }

    /** Moves the caret to the start of a 1-based line, selects that line and scrolls it into view. */
    public void goToLine(int line) {
        String s = text.getText();
        int start = 0;
        for (int l = 1; l < line; l++) {
            int nl = s.indexOf('\n', start);
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        int end = s.indexOf('\n', start);
        text.selectRange(end < 0 ? s.length() : end, start);
        text.requestFocus();
        // a TextArea scrolls to the caret on layout; put the line about a third down the view
        double lineHeight = text.getFont().getSize() * 1.35;
        text.setScrollTop(Math.max(0, (line - 8) * lineHeight));
    }

    /** The 1-based line the caret is on. */
    public int caretLine() {
        String s = text.getText();
        int caret = Math.min(text.getCaretPosition(), s.length());
        int line = 1;
        for (int i = 0; i < caret; i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * Saves the text in the background. A failure goes to the window's long-work failure handler (problems list and a
     * notification); the file on disk is then left as it was and the editor stays modified.
     */
    public void save() {
        String snapshot = text.getText();
        work.submit("Saving " + file.getFileName(), new Task<Void>() {
            @Override
            protected Void call() throws IOException {
                Path tmp = file.resolveSibling("." + file.getFileName() + ".saving");
                Files.writeString(tmp, snapshot, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return null;
            }
        }, done -> {
            modified.set(!snapshot.equals(text.getText()));
            onSaved.run();
        });
    }

    private void showPosition() {
        position.setText("line " + caretLine());
    }
}
