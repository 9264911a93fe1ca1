package org.grpowb.desktop.projects;

import java.util.List;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;
import org.grpowb.core.plugin.PluginFile;

/**
 * Asks before a project's plugin jars run: they are code from elsewhere with this user's rights. Lists each jar with
 * its SHA-256 (what trust is given to); the default button opens the project without them.
 * <p>
 * Node ids: {@code #trustPlugins}, {@code #skipPlugins}, {@code #pluginList}.
 */
public final class TrustPluginsDialog extends Alert {

    public static final ButtonType TRUST = new ButtonType("Trust and Load", ButtonBar.ButtonData.YES);
    public static final ButtonType SKIP = new ButtonType("Open Without Them", ButtonBar.ButtonData.CANCEL_CLOSE);

    public TrustPluginsDialog(String project, List<PluginFile> jars) {
        super(AlertType.WARNING, "", SKIP, TRUST);
        setTitle("Trust this project's plugins?");
        setHeaderText("The project " + project + " brings " + jars.size()
                + (jars.size() == 1 ? " plugin file" : " plugin files") + " of its own.");
        TextArea list = new TextArea(String.join("\n", jars.stream()
                .map(j -> j.name() + "   sha256 " + j.sha256() + "   " + kind(j.kind())).toList()));
        list.setId("pluginList");
        list.setEditable(false);
        list.setPrefRowCount(Math.min(6, jars.size() + 1));
        list.setStyle("-fx-font-family: monospace;");
        Label why = new Label("A plugin runs with your rights, like any program. Trust it only if you know where it "
                + "comes from. Trust is kept for these exact bytes; a changed file asks again.");
        why.setWrapText(true);
        getDialogPane().setContent(new VBox(8, why, list));
        getDialogPane().lookupButton(TRUST).setId("trustPlugins");
        getDialogPane().lookupButton(SKIP).setId("skipPlugins");
        // the safe answer is the default: Enter does not run code from elsewhere
        ((Button) getDialogPane().lookupButton(TRUST)).setDefaultButton(false);
        ((Button) getDialogPane().lookupButton(SKIP)).setDefaultButton(true);
    }

    /** How the file will run, so the user sees what trusting it means. */
    private static String kind(org.grpowb.core.plugin.PluginKind kind) {
        return switch (kind) {
            case JAR -> "(jar)";
            case JAVA_SOURCE -> "(Java source, compiled here)";
            case PYTHON -> "(Python, run by your python3)";
        };
    }
}
