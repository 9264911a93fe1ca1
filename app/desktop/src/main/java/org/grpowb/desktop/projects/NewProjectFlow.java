package org.grpowb.desktop.projects;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.scene.Node;
import org.grpowb.desktop.shell.LongWork;

/**
 * File → New Project…: the {@link NewProjectDialog}, then the sample copied in the background ({@link LongWork}, so
 * the JavaFX thread never waits on the disk) and the new project opened. Apart from the main window, which only wires
 * it to its menu and welcome page.
 */
public final class NewProjectFlow {

    /**
     * What the flow takes from the window it runs in.
     *
     * @param samples       the sample projects a new project starts from
     * @param defaultParent where new projects go unless the user says otherwise
     * @param log           a line for the console
     * @param announce      a notification
     * @param open          opens the created project in the window
     */
    public record Host(Supplier<List<SampleProject>> samples, Supplier<Path> defaultParent, Consumer<String> log,
                       Consumer<String> announce, Consumer<Path> open) { }

    private final LongWork work;
    private final Node owner;
    private final Host host;

    /** @param owner a node of the window, whose window owns the dialog once it is shown */
    public NewProjectFlow(LongWork work, Node owner, Host host) {
        this.work = work;
        this.owner = owner;
        this.host = host;
    }

    /** Opens the New Project dialog, with {@code template} preselected when not null. */
    public void open(SampleProject template) {
        NewProjectDialog dialog = new NewProjectDialog(host.samples().get(), template, host.defaultParent().get());
        if (owner.getScene() != null) {
            dialog.initOwner(owner.getScene().getWindow());
        }
        dialog.showAndWait().ifPresent(this::create);
    }

    /** Creates a project from a sample in the background, then opens it. */
    void create(NewProjectDialog.Request request) {
        work.submit("Creating " + request.name(), new Task<Path>() {
            @Override
            protected Path call() throws Exception {
                return SampleProjects.create(request.template().dir(), request.parent(), request.name());
            }
        }, created -> {
            host.log().accept("created " + created + " from the sample " + request.template().name());
            host.announce().accept("Created project " + request.name() + " from " + request.template().name());
            host.open().accept(created);
        });
    }
}
