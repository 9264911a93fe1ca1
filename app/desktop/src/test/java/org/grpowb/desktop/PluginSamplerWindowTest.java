package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt sampler dropped into the project as a single {@code .java} file and trusted is offered by the Steering
 * tab's sampler knob after the built-ins; chosen there and applied while a real run trains, the run draws with it
 * from the next step boundary on.
 */
class PluginSamplerWindowTest extends WindowTest {

    /** The last {@code count} candidates of the data, every step. */
    private static final String TAIL = """
            package com.example.window;

            import java.util.ArrayList;
            import java.util.List;
            import org.grpowb.api.PromptSampler;

            public class Tail implements PromptSampler {
                public String name() { return "tail"; }
                public String description() { return "the data's last prompts, every step"; }
                public List<Draw> draw(Round round) {
                    List<Draw> out = new ArrayList<>();
                    int n = round.candidates().size();
                    for (int i = n - round.count(); i < n; i++) {
                        out.add(new Draw(round.candidates().get(i).example(), round.groupSize()));
                    }
                    return out;
                }
            }
            """;

    @TempDir
    static Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        copyTree(SAMPLE, project);
        Path plugin = project.resolve("plugins/Tail.java");
        Files.createDirectories(plugin.getParent());
        Files.writeString(plugin, TAIL);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(PluginFile.of(plugin));
        workbench = new Workbench(project, Map.of("training.prompts_per_step", 4, "training.eval_every", 5000,
                "training.checkpoint_every", 5000), prefs, trust);
        WindowTests.hideOtherWindows(stage);
        show(stage, workbench, 1500, 950);
    }

    private org.testfx.service.query.NodeQuery here() {
        return from(workbench.root());
    }

    @Test
    void aTrustedPluginSamplerIsOfferedAndAppliedToARunningRun() throws Exception {
        settle(workbench);
        ComboBox<?> knob = here().lookup("#knobSampler").queryComboBox();
        waitUntil(() -> knob.getItems().contains("tail"), "the knob offers the plugin's sampler");
        assertEquals(List.of("uniform", "dynamic", "staged", "variance_aware", "prompt_gdro", "rollout_gdro", "tail"),
                List.copyOf(knob.getItems()), "the built-ins, then the plugin's");
        assertEquals("uniform", knob.getValue());

        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn(here().lookup("#run").queryAs(Node.class)));
        waitUntil(() -> session.stepProperty().get() >= 1, "the run trains");
        WindowTests.selectTab(this, workbench, "tab-steering");
        var model = workbench.steering().model();
        waitUntil(() -> model.liveProperty().get() && knob.isVisible(), "the panel is live");

        clickOn(knob);
        waitUntil(() -> knob.isShowing(), "the sampler list opens");
        javafx.scene.control.ListCell<?> tail = lookup(".combo-box-popup .list-cell")
                .match(n -> "tail".equals(((javafx.scene.control.ListCell<?>) n).getItem()))
                .queryAs(javafx.scene.control.ListCell.class);
        // marked as a plugin's, its description and file in the tooltip (read when the project loaded)
        assertEquals("tail  · plugin", tail.getText());
        assertEquals("the data's last prompts, every step\nfrom plugins/Tail.java", tail.getTooltip().getText());
        javafx.scene.control.ListCell<?> uniform = lookup(".combo-box-popup .list-cell")
                .match(n -> "uniform".equals(((javafx.scene.control.ListCell<?>) n).getItem()))
                .queryAs(javafx.scene.control.ListCell.class);
        assertEquals("uniform", uniform.getText());
        assertEquals("epoch walk over a seeded permutation: every prompt once per epoch, G rollouts each",
                uniform.getTooltip().getText(), "a built-in: its description alone");
        WindowTests.screenshot(tail.getScene().getRoot(), "steering-sampler-list.png");
        clickOn(tail);
        waitUntil(() -> "tail".equals(knob.getValue()), "tail chosen");
        clickOn(here().lookup("#applySampler").queryAs(Node.class));
        waitUntil(() -> model.edits().stream().anyMatch(e -> EditRecord.APPLIED.equals(e.status())),
                "the sampler edit is applied");
        WindowTests.screenshot(workbench.root(), "steering-plugin-sampler.png");
        EditRecord edit = model.edits().get(0);
        int after = edit.step();
        waitUntil(() -> session.stepProperty().get() >= after + 1, "a step drawn by the plugin");

        clickOn(here().lookup("#stop").queryAs(Node.class));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED, "stopped");
        try (RunStore store = RunStore.open(workbench.storeFile())) {
            for (int step = after; step <= after + 1; step++) {
                Set<String> drawn = store.step(session.runId(), step).orElseThrow().groups().stream()
                        .map(GroupRecord::promptId).collect(Collectors.toSet());
                assertEquals(Set.of("train-7996", "train-7997", "train-7998", "train-7999"), drawn, "step " + step);
            }
            Set<String> first = store.step(session.runId(), 1).orElseThrow().groups().stream()
                    .map(GroupRecord::promptId).collect(Collectors.toSet());
            assertNotEquals(Set.of("train-7996", "train-7997", "train-7998", "train-7999"), first,
                    "uniform drew step 1, before the edit");
        }
    }
}
