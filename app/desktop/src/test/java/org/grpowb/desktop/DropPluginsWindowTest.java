package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.plugin.python.PythonSettings;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.plugins.PluginDrop;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drag-in reward plugins as a user meets them: a single Java file and a Python file of TRL reward functions dropped
 * on the window are copied into the project, asked about and trusted by a click, offered at once among the rewards
 * the run configuration can add, added, and a two-step run scores every rollout with them; then "Score with…" on a
 * stored rollout scores its completion with one of them.
 */
class DropPluginsWindowTest extends WindowTest {

    private static final Path EXAMPLES = Path.of("../../plugins/examples");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    @TempDir
    static Path dir;

    private Workbench workbench;
    private Path project;

    @Override
    public void start(Stage stage) throws IOException {
        project = dir.resolve("drop-" + System.nanoTime());
        copyTree(SAMPLE, project);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-" + System.nanoTime()));
        workbench = new Workbench(project, Map.of("training.steps", 2, "training.prompts_per_step", 4,
                "training.eval_every", 0, "training.checkpoint_every", 2), prefs, trust);
        show(stage, workbench, 1400, 900);
    }

    @Test
    void droppedJavaAndPythonRewardsAreTrustedAddedAndScoreARun() throws Exception {
        boolean python = PythonSettings.available(PythonSettings.fromSystem().executable());
        settle(workbench);
        List<File> files = new ArrayList<>(List.of(EXAMPLES.resolve("single-file/NoRepeatReward.java").toFile()));
        if (python) {
            files.add(EXAMPLES.resolve("python/trl_rewards.py").toFile());
        }
        interact(() -> PluginDrop.drop(files, workbench.plugins()::add));

        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "the window asks about the dropped plugins");
        String asked = lookup("#pluginList").queryTextInputControl().getText();
        assertTrue(asked.contains("NoRepeatReward.java   sha256 ") && asked.contains("(Java source"), asked);
        assertTrue(Files.isRegularFile(project.resolve("plugins/NoRepeatReward.java")), "copied into the project");
        if (python) {
            assertTrue(asked.contains("trl_rewards.py   sha256 ") && asked.contains("(Python"), asked);
        }
        clickOn("#trustPlugins");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());

        @SuppressWarnings("unchecked")
        ComboBox<String> offered = lookup("#rewardChoice").queryAs(ComboBox.class);
        assertTrue(offered.getItems().contains("no_repeat"), offered.getItems().toString());
        assertFalse(offered.getItems().contains("exact_answer"), "already in the project");
        addReward("no_repeat");
        List<String> expected = new ArrayList<>(List.of("no_repeat"));
        if (python) {
            @SuppressWarnings("unchecked")
            ComboBox<String> again = lookup("#rewardChoice").queryAs(ComboBox.class);
            assertTrue(again.getItems().containsAll(List.of("exact_number", "brevity")), again.getItems().toString());
            addReward("exact_number");
            expected.add("exact_number");
        }
        String yaml = Files.readString(project.resolve("project.yaml"));
        assertTrue(yaml.contains("  - name: no_repeat\n    weight: 1.0\n"), yaml);
        assertEquals(2 + expected.size(), workbench.config().model().rewardWeights().size());

        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED
                || session.stateProperty().get() == RunSession.State.FAILED, "the run ends");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), session.messageProperty().get());
        long runId = session.runId();
        int nonZero = 0;
        try (RunStore store = RunStore.open(workbench.storeFile())) {
            for (int s = 1; s <= 2; s++) {
                StepRecord step = store.step(runId, s).orElseThrow();
                for (GroupRecord group : step.groups()) {
                    for (RolloutRecord rollout : group.rollouts()) {
                        assertFalse(rollout.rewardFailed(), rollout.completion());
                        assertEquals(noRepeat(rollout.completion()), rollout.rewards().get("no_repeat"), 1e-9,
                                rollout.completion());
                        nonZero += rollout.rewards().get("no_repeat") > 0 ? 1 : 0;
                        if (python) {
                            assertEquals(exactNumber(rollout.completion(), group.answer()),
                                    rollout.rewards().get("exact_number"), 1e-9, rollout.completion());
                        }
                    }
                }
            }
        }
        assertTrue(nonZero > 0, "no_repeat scores completions");

        // "Score with…" on a stored rollout of that run
        interact(() -> workbench.showRun(runId));
        settle(workbench);
        interact(() -> workbench.editors().getSelectionModel().select(1));
        waitUntil(() -> workbench.views().inspector().model().getGroup() != null, "the inspector shows a group");
        GroupRecord group = workbench.views().inspector().model().getGroup();
        RolloutRecord first = group.rollouts().get(0);
        @SuppressWarnings("unchecked")
        ListView<RolloutRecord> rollouts = lookup("#rollouts").queryAs(ListView.class);
        interact(() -> rollouts.getSelectionModel().select(0));
        WindowTests.openContextMenu(this, from(rollouts).lookup(".list-cell").nth(0).queryAs(javafx.scene.Node.class));
        clickOn("#scoreWith");
        waitUntil(() -> lookup("#scoreReward").tryQuery().isPresent(), "the Score with… dialog opens");
        assertEquals(group.promptId(), lookup("#scoreExample").queryTextInputControl().getText());
        assertEquals(first.completion(), lookup("#scoreCompletion").queryTextInputControl().getText());
        @SuppressWarnings("unchecked")
        ComboBox<String> reward = lookup("#scoreReward").queryAs(ComboBox.class);
        interact(() -> reward.setValue("no_repeat"));
        clickOn("#scoreRun");
        TextArea result = lookup("#scoreResult").queryAs(TextArea.class);
        waitUntil(() -> result.getText().startsWith("no_repeat = "), "the completion is scored");
        assertTrue(result.getText().startsWith(String.format(java.util.Locale.ROOT, "no_repeat = %.3f\n",
                noRepeat(first.completion()))), result.getText());
        assertTrue(result.getText().contains("verdict UNVERIFIED") && result.getText().contains(" ms"),
                result.getText());

        // a typed completion against another example id
        interact(() -> {
            lookup("#scoreCompletion").queryTextInputControl().setText("a b a b a b");
            lookup("#scoreExample").queryTextInputControl().setText("train-0");
        });
        clickOn("#scoreRun");
        waitUntil(() -> result.getText().startsWith("no_repeat = 0.400"), "the typed text is scored: "
                + result.getText());
        interact(() -> lookup("#scoreExample").queryTextInputControl().setText("no-such-example"));
        clickOn("#scoreRun");
        waitUntil(() -> result.getText().contains("no example 'no-such-example'"), "an unknown id is named");
        interact(() -> ((javafx.stage.Stage) result.getScene().getWindow()).close());
        assumeTrue(python, "python3 is not available: the Python half was skipped");
    }

    private void addReward(String name) {
        interact(() -> workbench.editors().getSelectionModel().select(workbench.editors().getTabs().stream()
                .filter(t -> "tab-configuration".equals(t.getId())).findFirst().orElseThrow()));
        @SuppressWarnings("unchecked")
        ComboBox<String> choice = lookup("#rewardChoice").queryAs(ComboBox.class);
        interact(() -> choice.setValue(name));
        clickOn("#addReward");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        waitUntil(() -> workbench.config() != null && workbench.config().model().project().rewards().stream()
                .anyMatch(r -> r.function().name().equals(name)), name + " is in the project");
    }

    /** NoRepeatReward's formula: 1 − repeated consecutive word pairs ÷ pairs; 1 below three words. */
    private static double noRepeat(String completion) {
        String[] words = completion.strip().split("\\s+");
        if (words.length < 3) {
            return 1.0;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        int repeated = 0;
        for (int i = 0; i + 1 < words.length; i++) {
            if (!seen.add(words[i] + " " + words[i + 1])) {
                repeated++;
            }
        }
        return 1.0 - repeated / (double) (words.length - 1);
    }

    /** trl_rewards.exact_number: 1 when the completion's first integer is the answer. */
    private static double exactNumber(String completion, String answer) {
        Matcher m = NUMBER.matcher(completion);
        return m.find() && m.group().equals(answer.strip()) ? 1.0 : 0.0;
    }
}
