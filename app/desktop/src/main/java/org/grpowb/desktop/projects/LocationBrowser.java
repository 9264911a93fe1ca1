package org.grpowb.desktop.projects;

import java.io.File;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.stage.DirectoryChooser;

/** The "Browse…" beside a dialog's location field: picks a folder, starting from the one typed, and writes it back. */
final class LocationBrowser {

    private LocationBrowser() {
    }

    static Button beside(TextField location, String id) {
        Button browse = new Button("Browse…");
        browse.setId(id);
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Where to create the project");
            File current = new File(location.getText());
            if (current.isDirectory()) {
                chooser.setInitialDirectory(current);
            }
            File picked = chooser.showDialog(browse.getScene().getWindow());
            if (picked != null) {
                location.setText(picked.getAbsolutePath());
            }
        });
        return browse;
    }
}
