package org.grpowb.desktop.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;

class RunConfigViewTest extends ApplicationTest {
    private RunConfigModel model;
    private RunConfigView view;

    @Override
    public void start(Stage stage) {
        PluginRegistry registry = PluginRegistry.discover();
        Project project = new ProjectLoader(registry).load(Path.of("../../sample-projects/arithmetic"));
        model = new RunConfigModel(project, registry);
        view = new RunConfigView(model);
        stage.setScene(new Scene(view, 900, 1000));
        stage.show();
    }

    /** Editor ids hold a dot, which a CSS selector would read as a class: match the id itself. */
    private <T extends Node> T editor(String path, Class<T> type) {
        String id = RunConfigView.editorId(path);
        return lookup((Node n) -> id.equals(n.getId())).queryAs(type);
    }

    private String errorsSummary() {
        return lookup("#configErrors").queryAs(Label.class).getText();
    }

    private void type(TextField field, String text) {
        reveal(field);
        clickOn(field);
        interact(field::selectAll);
        write(text);
    }

    /** Scrolls the view's scroll pane so that {@code node} is on screen, as a user scrolls before clicking. */
    private void reveal(Node node) {
        interact(() -> {
            for (Node p = node.getParent(); p != null; p = p.getParent()) {
                if (p instanceof ScrollPane scroll) {
                    Node content = scroll.getContent();
                    double hidden = content.getLayoutBounds().getHeight() - scroll.getViewportBounds().getHeight();
                    if (hidden > 0) {
                        double y = content.sceneToLocal(node.localToScene(0, 0)).getY();
                        scroll.setVvalue(Math.max(0, Math.min(1, (y - 40) / hidden)));
                        scroll.layout();
                    }
                    return;
                }
            }
        });
    }

    @Test
    void theFileLoadsCleanAndAsksForNoOverrides() {
        assertTrue(model.valid());
        assertEquals("", errorsSummary());
        assertEquals(Map.of(), model.overrides());
        assertEquals("8", editor("training.group_size", TextField.class).getText());
        assertEquals("grpo", editor("variant.name", ComboBox.class).getValue());
        assertEquals("0.04", editor("variant.settings.beta", TextField.class).getText());
    }

    @Test
    void aGroupOfOneIsFlaggedUntilFixed() {
        TextField groupSize = editor("training.group_size", TextField.class);
        type(groupSize, "1");

        RunConfigModel.Entry entry = model.entry("training.group_size");
        assertNotNull(entry.error());
        assertTrue(entry.error().contains("group_size"), entry.error());
        assertFalse(model.valid());
        assertEquals(1, model.invalidCount());
        assertEquals("1 invalid setting", errorsSummary());
        assertEquals(RunConfigView.INVALID_STYLE, groupSize.getStyle());
        assertNotNull(groupSize.getTooltip());
        String errorId = RunConfigView.editorId("training.group_size") + "-error";
        assertEquals(entry.error(), lookup((Node n) -> errorId.equals(n.getId())).queryAs(Label.class).getText());

        type(editor("training.learning_rate", TextField.class), "abc");
        assertEquals("2 invalid settings", errorsSummary());
        type(editor("training.learning_rate", TextField.class), "0.0005");

        type(groupSize, "4");
        assertNull(entry.error());
        assertTrue(model.valid());
        assertEquals("", errorsSummary());
        assertEquals("", groupSize.getStyle());
        assertEquals(Map.of("training.group_size", 4), model.overrides());
    }

    @Test
    @SuppressWarnings("unchecked")
    void switchingToDrGrpoShowsItsDefaults() {
        ComboBox<String> variant = editor("variant.name", ComboBox.class);
        interact(() -> variant.setValue("dr_grpo"));

        assertTrue(model.valid());
        assertEquals("dr_grpo", model.overrides().get("variant.name"));
        assertFalse(model.variantSettings().isEmpty());
        for (RunConfigModel.Entry e : model.variantSettings()) {
            assertEquals(e.spec().coerce(e.spec().defaultValue()), e.value(), e.path());
            assertNotNull(view.editor(e.path()), e.path());
            assertNotNull(editor(e.path(), Node.class), e.path());
        }
        // Defaults are what the loader uses after a variant switch, so only the name is overridden.
        assertEquals(Map.of("variant.name", "dr_grpo"), model.overrides());

        // The overrides load: the loader agrees with the editor.
        Project reloaded = new ProjectLoader(PluginRegistry.discover())
                .load(Path.of("../../sample-projects/arithmetic"), model.overrides());
        assertEquals("dr_grpo", reloaded.variant().variant().name());

        // Back to the file's variant: the file's settings return, and nothing is overridden.
        interact(() -> variant.setValue("grpo"));
        assertEquals("0.04", editor("variant.settings.beta", TextField.class).getText());
        assertEquals(Map.of(), model.overrides());
    }

    @Test
    void aRewardWeightIsEditedInPlaceAndReachesTheLoadedProject() throws Exception {
        assertEquals(2, model.rewardWeights().size());
        TextField weight = editor("rewards.1.weight", TextField.class);
        assertEquals("0.1", weight.getText());
        clickOn(weight).eraseText(3).write("abc");
        assertFalse(model.valid(), "not a number");
        interact(() -> weight.setText("0.5"));
        assertTrue(model.valid());
        assertEquals(Map.of("rewards.1.weight", 0.5), model.overrides());
        Project reloaded = new ProjectLoader(PluginRegistry.discover())
                .load(Path.of("../../sample-projects/arithmetic"), model.overrides());
        assertEquals(0.5, reloaded.rewards().get(1).weight());
        assertEquals(1.0, reloaded.rewards().get(0).weight());
    }
}
