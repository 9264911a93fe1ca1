package org.grpowb.desktop.projects;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.scene.Node;
import org.grpowb.api.ModelCard;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.desktop.shell.LongWork;

/**
 * File → Open Model Folder… from start to end: a folder chosen, what it holds read in the background, the
 * {@link OpenModelFolderDialog} shown, and the project made there created and opened. It lives apart from the main
 * window so that the window only wires it to its menu and welcome page; reading the folder and creating the project are
 * {@link LongWork}, so the JavaFX thread never waits on the disk.
 */
public final class ModelFolderOpening {

    /**
     * What the flow takes from the window it runs in.
     *
     * @param chooseFolder  asks the user for a folder (the title says what for); null when cancelled
     * @param defaultParent where new projects go unless the user says otherwise
     * @param samples       the sample projects whose data a new project may copy
     * @param log           a line for the console
     * @param announce      a notification
     * @param open          opens the created project in the window
     */
    public record Host(Function<String, Path> chooseFolder, Supplier<Path> defaultParent,
                       Supplier<List<SampleProject>> samples, Consumer<String> log, Consumer<String> announce,
                       Consumer<Path> open) { }

    private final LongWork work;
    private final Node owner;
    private final Host host;

    /** @param owner a node of the window, whose window owns the dialog once it is shown */
    public ModelFolderOpening(LongWork work, Node owner, Host host) {
        this.work = work;
        this.owner = owner;
        this.host = host;
    }

    /** File → Open Model Folder…: a folder chosen, then {@link #inspect}. */
    public void open() {
        Path dir = host.chooseFolder().apply("Open a model folder (config.json, model.safetensors, tokenizer.json)");
        if (dir != null) {
            inspect(dir);
        }
    }

    /**
     * Reads what a model folder holds in the background, then shows it in the Open Model Folder dialog (or why it is
     * not a model folder, naming the file); a project made there is created and opened.
     */
    private void inspect(Path folder) {
        record Read(ModelFolderProject.Inspected model, String failure, Map<String, String> rewards, String variant) { }
        work.submit("Reading the model folder " + folder.getFileName(), new Task<Read>() {
            @Override
            protected Read call() {
                PluginRegistry plugins = PluginRegistry.discover();
                Map<String, String> rewards = new LinkedHashMap<>();
                plugins.rewardNames().forEach(n -> rewards.put(n, plugins.reward(n).description()));
                String variant = plugins.variantNames().contains("grpo") ? "grpo" : plugins.variantNames().get(0);
                try {
                    return new Read(ModelFolderProject.inspect(plugins, folder), null, rewards, variant);
                } catch (IOException e) {
                    return new Read(null, e.getMessage(), rewards, variant);
                }
            }
        }, read -> {
            if (read.model() == null) {
                host.log().accept("not a model folder: " + read.failure());
            } else {
                host.log().accept("model folder " + read.model().folder() + ": " + read.model().card().line());
            }
            OpenModelFolderDialog dialog = new OpenModelFolderDialog(folder, read.model(), read.failure(),
                    host.samples().get(), read.rewards(), read.variant(), host.defaultParent().get());
            if (owner.getScene() != null) {
                dialog.initOwner(owner.getScene().getWindow());
            }
            dialog.showAndWait().ifPresent(this::create);
        });
    }

    /** Creates a project around a model folder in the background, then opens it. */
    private void create(ModelFolderProject request) {
        work.submit("Creating " + request.name(), new Task<Path>() {
            @Override
            protected Path call() throws Exception {
                return request.create();
            }
        }, created -> {
            ModelCard card = request.model().card();
            host.log().accept("created " + created + " around " + request.model().folder() + " (" + card.line() + ")");
            host.announce().accept("Created project " + request.name() + " around "
                    + request.model().folder().getFileName());
            host.open().accept(created);
        });
    }
}
