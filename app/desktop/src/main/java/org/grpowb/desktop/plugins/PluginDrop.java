package org.grpowb.desktop.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import org.grpowb.core.plugin.PluginKind;

/**
 * Plugin files dropped anywhere on the window: a drag that carries at least one {@code .jar}, {@code .java} or
 * {@code .py} file is accepted (as a copy: the dragged file stays where it was), and the files are handed to
 * {@link PluginManagement#add}, which says why about any other file of the drop.
 */
public final class PluginDrop {

    private PluginDrop() {
    }

    /** Makes {@code root} (the scene's root) a drop target for plugin files, handing dropped files to {@code add}. */
    public static void install(Node root, Consumer<List<Path>> add) {
        root.addEventHandler(DragEvent.DRAG_OVER, e -> {
            if (carriesPlugins(e.getDragboard())) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        root.addEventHandler(DragEvent.DRAG_DROPPED, e -> {
            Dragboard board = e.getDragboard();
            boolean done = carriesPlugins(board);
            if (done) {
                drop(board.getFiles(), add);
            }
            e.setDropCompleted(done);
            e.consume();
        });
    }

    /** What a drop of {@code files} does: the same path a real drag-and-drop takes. */
    public static void drop(List<File> files, Consumer<List<Path>> add) {
        add.accept(files.stream().map(File::toPath).toList());
    }

    private static boolean carriesPlugins(Dragboard board) {
        return board.hasFiles() && board.getFiles().stream().anyMatch(f -> PluginKind.of(f.toPath()).isPresent());
    }
}
