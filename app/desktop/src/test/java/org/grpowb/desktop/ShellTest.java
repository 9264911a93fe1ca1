package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javafx.concurrent.Task;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.projects.SampleProject;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The frame around the editors, as a user meets it: the welcome page with the sample projects on first start, a new
 * project made through File → New Project, panels collapsed and restored on the next start, and a long action
 * cancelled from the status bar.
 */
class ShellTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;
    private Stage stage;

    @Override
    public void start(Stage stage) throws IOException {
        this.stage = stage;
        Path project = dir.resolve("arithmetic");
        if (!Files.exists(project)) {
            copyTree(SAMPLE, project);
        }
        workbench = new Workbench(project, Map.of(), prefs);
        show(stage, workbench, 1200, 800);
    }

    @Test
    void firstStartShowsTheSampleProjectsAndNewProjectCopiesOne() throws IOException {
        settle(workbench);
        assertEquals("Welcome", workbench.editors().getSelectionModel().getSelectedItem().getText(),
                "the welcome page is in front on a first start");
        waitUntil(() -> lookup("#sample-arithmetic").tryQuery().isPresent(), "the sample project is listed");
        WindowTests.screenshot(workbench.root(), "welcome.png");

        clickOn("#newFrom-arithmetic");
        waitUntil(() -> lookup("#newName").tryQuery().isPresent(), "the New Project dialog opens");
        @SuppressWarnings("unchecked")
        ComboBox<SampleProject> template = lookup("#newTemplate").queryAs(ComboBox.class);
        assertEquals("arithmetic", template.getValue().name());
        Node create = lookup("#newCreate").query();
        assertTrue(create.isDisabled(), "no name yet");
        Path parent = Files.createDirectories(dir.resolve("workspace"));
        interact(() -> lookup("#newLocation").queryAs(TextField.class).setText(parent.toString()));
        clickOn("#newName").write("bad name!");
        assertTrue(create.isDisabled());
        assertTrue(lookup("#newError").queryLabeled().getText().contains("letters, digits"));
        interact(() -> lookup("#newName").queryAs(TextField.class).setText("my-arithmetic"));
        assertFalse(create.isDisabled(), lookup("#newError").queryLabeled().getText());
        clickOn(create);

        Path created = parent.resolve("my-arithmetic");
        waitUntil(() -> "GRPO Workbench — my-arithmetic".equals(workbench.titleProperty().get()), "the new project opens");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        assertTrue(Files.readString(created.resolve("project.yaml")).contains("name: my-arithmetic\n"));
        assertTrue(Files.exists(created.resolve("checkpoints/warm-start/weights.ndlist")), "the warm start comes along");
        assertFalse(Files.exists(created.resolve("runs")), "the sample's runs do not");
        assertEquals(created.toAbsolutePath().normalize(), workbench.storeFile().getParent().getParent());
        assertTrue(prefs.get("recent", "").startsWith(created.toAbsolutePath().normalize().toString()));
    }

    @Test
    void panelsCollapseAndComeBackAsTheyWereOnTheNextStart() {
        settle(workbench);
        Node explorer = lookup("#explorer").query();
        SplitPane split = (SplitPane) explorer.getParent().getParent();
        interact(() -> split.setDividerPositions(0.3));
        press(KeyCode.ALT, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.ALT);
        waitUntil(() -> explorer.getScene() == null, "Alt+1 collapses the explorer");
        assertEquals(1, split.getItems().size());
        press(KeyCode.ALT, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.ALT);
        waitUntil(() -> !workbench.bottomPanel().shownProperty().get(), "Alt+4 collapses the bottom panel");
        assertTrue(lookup("#console").tryQuery().isEmpty());

        // a second window on the same preferences starts with both collapsed
        Workbench next = new Workbench(dir.resolve("arithmetic"), Map.of(), prefs);
        assertFalse(next.explorerPanel().shownProperty().get());
        assertFalse(next.bottomPanel().shownProperty().get());

        interact(() -> workbench.explorerPanel().toggle());
        waitUntil(() -> explorer.getScene() != null, "the explorer comes back");
        assertEquals(0.3, split.getDividerPositions()[0], 0.02, "where it was");
        interact(() -> workbench.bottomPanel().toggle());
        assertTrue(lookup("#console").tryQuery().isPresent());
    }

    @Test
    void f1ListsTheKeyboardShortcutsFromTheMenus() {
        settle(workbench);
        push(KeyCode.F1);
        waitUntil(() -> lookup("#shortcutList").tryQuery().isPresent(), "the shortcuts dialog opens");
        String list = lookup("#shortcutList").queryTextInputControl().getText();
        for (String expected : new String[] {"Run", "F5", "File → New Project…", "View → Project Explorer",
                "Run → Evaluate Latest Checkpoint", "Help → Keyboard Shortcuts"}) {
            assertTrue(list.contains(expected), expected + " in\n" + list);
        }
        clickOn(lookup(".dialog-pane .button").queryButton());
        waitUntil(() -> lookup("#shortcutList").tryQuery().isEmpty(), "OK closes it");
    }

    @Test
    void aLongActionShowsItsProgressAndCancelStopsIt() throws Exception {
        settle(workbench);
        CountDownLatch never = new CountDownLatch(1);
        boolean[] interrupted = {false};
        interact(() -> workbench.work().submit("Loading a large run", new Task<Void>() {
            @Override
            protected Void call() {
                updateProgress(1, 4);
                updateMessage("step 1 of 4");
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted[0] = true;
                }
                return null;
            }
        }, v -> { }));
        waitUntil(() -> lookup("#work").query().isVisible()
                && lookup("#workMessage").queryLabeled().getText().equals("Loading a large run: step 1 of 4"),
                "the status bar shows the action");
        assertEquals(0.25, lookup("#workProgress").queryAs(javafx.scene.control.ProgressBar.class).getProgress(), 1e-9);
        clickOn("#cancelWork");
        waitUntil(() -> !lookup("#work").query().isVisible(), "cancelled, the indicator goes away");
        waitUntil(() -> interrupted[0], "the task's thread is interrupted");
        var console = lookup("#console").queryListView().getItems();
        assertEquals("Loading a large run: cancelled", String.valueOf(console.get(console.size() - 1)));
        assertTrue(workbench.problems().getItems().isEmpty(), "a cancel is not a problem");
    }

    @Test
    void closingDuringARunStopsItCleanlyFirst() {
        settle(workbench);
        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stepProperty().get() >= 2, "the run trains");
        boolean[] closed = {false};
        boolean now = WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> workbench.requestClose(() -> closed[0] = true)));
        assertFalse(now, "not while the run is in progress");
        waitUntil(() -> closed[0], "closed once the run has stopped");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get());
        try (RunStore store = RunStore.open(workbench.storeFile())) {
            var run = store.run(session.runId()).orElseThrow();
            assertEquals("stopped", run.status(), "the store ends it as stopped, resumable");
            assertEquals(session.stepProperty().get(), run.lastStep(), "every step the window saw is stored");
        }
    }
}
