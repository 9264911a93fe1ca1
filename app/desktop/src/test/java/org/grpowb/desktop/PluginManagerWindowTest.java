package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.plugin.python.PythonSettings;
import org.grpowb.desktop.plugins.PluginDrop;
import org.grpowb.desktop.shell.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Plugins tab as a user works it: every plugin file listed with its state; a replaced registry closed (its Python
 * worker gone) when the project re-opens; disable and enable through the table, the reward leaving and coming back
 * among those the configuration offers; a .java file that does not compile listed with its errors located in the
 * file; a changed file asked about again; and a file removed after a confirmation.
 */
class PluginManagerWindowTest extends WindowTest {

    private static final Path EXAMPLES = Path.of("../../plugins/examples");

    @TempDir
    static Path dir;

    private Workbench workbench;
    private Path project;
    private boolean python;

    @Override
    public void start(Stage stage) throws IOException {
        project = dir.resolve("managed-" + System.nanoTime());
        copyTree(SAMPLE, project);
        Files.createDirectories(project.resolve("plugins"));
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-" + System.nanoTime()));
        Path java = Files.copy(EXAMPLES.resolve("single-file/NoRepeatReward.java"),
                project.resolve("plugins/NoRepeatReward.java"));
        trust.trust(PluginFile.of(java));
        python = PythonSettings.available(PythonSettings.fromSystem().executable());
        trust.trust(PluginFile.of(Files.copy(EXAMPLES.resolve("python/trl_rewards.py"),
                project.resolve("plugins/trl_rewards.py"))));
        workbench = new Workbench(project, Map.of(), prefs, trust);
        show(stage, workbench, 1400, 900);
    }

    @Test
    void thePluginsTabListsDisablesRemovesAndAsksAgainAboutChangedFiles() throws Exception {
        settle(workbench);
        TabPane bottom = lookup("#bottomPanel").queryAs(TabPane.class);
        interact(() -> bottom.getSelectionModel().select(bottom.getTabs().stream()
                .filter(t -> "tab-plugins".equals(t.getId())).findFirst().orElseThrow()));
        waitUntil(() -> "loaded".equals(workbench.pluginView().stateOf("NoRepeatReward.java")), "the file is listed");
        assertTrue(offered().contains("no_repeat"), offered().toString());

        // re-opening replaces the registry: the old one is closed, its Python worker stopped
        PluginRegistry first = workbench.plugins().current();
        Set<Long> workersBefore = pythonWorkers();
        if (python) {
            assertEquals("loaded", workbench.pluginView().stateOf("trl_rewards.py"));
            assertEquals(1, workersBefore.size(), "one worker for the open project's Python file");
        }
        interact(() -> workbench.open(project));
        settle(workbench);
        assertNotSame(first, workbench.plugins().current());
        assertThrows(IllegalStateException.class, first::rewardNames, "the replaced registry is closed");
        waitUntil(() -> workersBefore.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)), "the replaced registry's Python worker is gone");
        if (python) {
            assertEquals(1, pythonWorkers().size(), "only the new registry's worker runs");
        }

        // disable, then enable again
        interact(() -> workbench.pluginView().select("NoRepeatReward.java"));
        clickOn("#pluginToggle");
        settle(workbench);
        waitUntil(() -> "disabled".equals(workbench.pluginView().stateOf("NoRepeatReward.java")), "disabled");
        assertFalse(offered().contains("no_repeat"), offered().toString());
        assertTrue(Files.readString(project.resolve("plugins/disabled")).contains("NoRepeatReward.java"));
        interact(() -> workbench.pluginView().select("NoRepeatReward.java"));
        clickOn("#pluginToggle");
        settle(workbench);
        waitUntil(() -> "loaded".equals(workbench.pluginView().stateOf("NoRepeatReward.java")), "enabled again");
        assertTrue(offered().contains("no_repeat"), offered().toString());

        // a source file that does not compile: trusted, failed, its errors located in the project's file
        Path elsewhere = Files.createDirectories(dir.resolve("downloads-" + System.nanoTime()));
        Path broken = Files.writeString(elsewhere.resolve("Broken.java"), "import org.grpowb.api.RewardFunction;\n"
                + "public class Broken implements RewardFunction {\n"
                + "    public String name() { return 42; }\n}\n");
        interact(() -> PluginDrop.drop(List.of(broken.toFile()), workbench.plugins()::add));
        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "asked about the dropped file");
        clickOn("#trustPlugins");
        settle(workbench);
        waitUntil(() -> "failed".equals(workbench.pluginView().stateOf("Broken.java")), "listed as failed");
        Path copy = project.resolve("plugins/Broken.java").toAbsolutePath().normalize();
        Problem located = workbench.problems().getItems().stream().filter(p -> p.line() == 3).findFirst()
                .orElseThrow(() -> new AssertionError(workbench.problems().getItems().toString()));
        assertEquals(copy, located.file().toAbsolutePath().normalize());
        assertTrue(located.openable() && located.message().startsWith("plugins/Broken.java:3: "), located.message());
        interact(() -> workbench.openFile(located.file(), located.line()));
        waitUntil(() -> workbench.editors().getSelectionModel().getSelectedItem().getText().contains("Broken.java"),
                "the file opens in an editor");

        // a changed version of a loaded file is asked about again before it runs
        Path changed = Files.writeString(elsewhere.resolve("NoRepeatReward.java"),
                Files.readString(EXAMPLES.resolve("single-file/NoRepeatReward.java"))
                        .replace("1 minus the share", "One minus the share"));
        interact(() -> PluginDrop.drop(List.of(changed.toFile()), workbench.plugins()::add));
        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "asked again about the changed bytes");
        assertTrue(lookup("#pluginList").queryTextInputControl().getText().startsWith("NoRepeatReward.java   sha256 "
                + PluginFile.of(project.resolve("plugins/NoRepeatReward.java")).sha256()));
        clickOn("#trustPlugins");
        settle(workbench);
        waitUntil(() -> "loaded".equals(workbench.pluginView().stateOf("NoRepeatReward.java")), "loaded again");
        interact(() -> workbench.pluginView().select("Broken.java"));
        WindowTests.screenshot(workbench.root(), "plugins.png");

        // remove, after a confirmation
        clickOn("#pluginRemove");
        waitUntil(() -> lookup("#confirmRemove").tryQuery().isPresent(), "asked before deleting");
        clickOn("#confirmRemove");
        settle(workbench);
        waitUntil(() -> !workbench.pluginView().fileNames().contains("Broken.java"), "no longer listed");
        assertFalse(Files.exists(copy), "the file is gone");
        assertTrue(workbench.pluginView().fileNames().contains("NoRepeatReward.java"));
    }

    @Test
    void pluginsAddPluginAsksForTrustAndAnInterpreterThatCannotStartIsAProblem() throws Exception {
        settle(workbench);
        Path elsewhere = Files.createDirectories(dir.resolve("downloads-" + System.nanoTime()));
        Path tiny = Files.writeString(elsewhere.resolve("tiny_rewards.py"),
                "def tiny(completions, **kwargs):\n    return [0.0 for c in completions]\n");
        workbench.plugins().chooseFilesWith(title -> List.of(tiny));
        clickOn("Plugins").clickOn("#addPlugin");
        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "asked about the added file");
        assertTrue(lookup("#pluginList").queryTextInputControl().getText().startsWith("tiny_rewards.py   sha256 "));
        clickOn("#trustPlugins");
        settle(workbench);
        assertTrue(Files.isRegularFile(project.resolve("plugins/tiny_rewards.py")));
        if (python) {
            waitUntil(() -> "loaded".equals(workbench.pluginView().stateOf("tiny_rewards.py")), "loaded");
            assertTrue(offered().contains("tiny"), offered().toString());
        }

        clickOn("Plugins").clickOn("#pythonInterpreterItem");
        waitUntil(() -> lookup("#pythonInterpreter").tryQuery().isPresent(), "the interpreter is asked for");
        assertEquals(PythonSettings.fromSystem().executable(),
                lookup("#pythonInterpreter").queryTextInputControl().getText(), "prefilled with the current one");
        interact(() -> lookup("#pythonInterpreter").queryTextInputControl().setText("/no/such/python3"));
        clickOn(lookup(".dialog-pane .button").match(n -> n instanceof javafx.scene.control.Button b
                && b.isDefaultButton()).queryButton());
        settle(workbench);
        assertEquals("/no/such/python3", prefs.get(org.grpowb.desktop.plugins.PluginManagement.PYTHON_PREFERENCE, ""));
        waitUntil(() -> "failed".equals(workbench.pluginView().stateOf("tiny_rewards.py")), "cannot start");
        Problem p = workbench.problems().getItems().stream()
                .filter(q -> q.message().startsWith("plugins/tiny_rewards.py: python3 not found")).findFirst()
                .orElseThrow(() -> new AssertionError(workbench.problems().getItems().toString()));
        assertTrue(p.message().contains("/no/such/python3") && p.message().contains("Plugins → Python Interpreter…"),
                p.message());
        assertFalse(offered().contains("tiny"));
    }

    /** The rewards the configuration tab offers to add. */
    private List<String> offered() {
        @SuppressWarnings("unchecked")
        ComboBox<String> choice = lookup("#rewardChoice").queryAs(ComboBox.class);
        return List.copyOf(choice.getItems());
    }

    /** The Python worker processes this JVM started. */
    private static Set<Long> pythonWorkers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").contains("python"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
