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
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.hf.RandomInit;
import org.grpowb.hf.safetensors.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File → Open Model Folder…, as a user meets it: a Hugging Face folder is described before anything is made, a
 * project is made around it with a sample's data and opens with the model's architecture in the explorer; a folder
 * that is not a model folder says which file it lacks.
 */
class ModelFolderWindowTest extends WindowTest {

    /** A one-layer Qwen2 (17,056 parameters) with the adapter tests' hand-made byte-level BPE. */
    static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
             "intermediate_size": 48, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "vocab_size": 288,
             "tie_word_embeddings": true, "use_sliding_window": false}
            """;

    /** The build's working folder is app/desktop. */
    static final Path TOKENIZER = Path.of("../../model-adapters/hf-causal-lm/src/test/resources/text/tiny-byte-bpe");

    @TempDir
    Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        copyTree(SAMPLE, project);
        // a short run, so that the new project's first run is seen through to the inspector
        workbench = new Workbench(project, Map.of("training.steps", 2, "training.eval_every", 0,
                "training.eval_examples", 4), prefs);
        show(stage, workbench, 1400, 860);
    }

    static Path tinyQwen(Path dir, String name) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".json"), CONFIG);
        Path out = dir.resolve(name);
        RandomInit.write(config, TOKENIZER, out, 3, Dtype.BF16);
        return out;
    }

    private void choose(Path folder) {
        interact(() -> workbench.chooseFoldersWith(title -> folder));
        clickOn("File").clickOn("#openModelFolder");
    }

    @Test
    void openModelFolderMakesAProjectAroundItThatOpensWithItsArchitectureInTheExplorer() throws IOException {
        Path folder = tinyQwen(dir, "qwen-tiny");
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        settle(workbench);
        choose(folder);
        waitUntil(() -> lookup("#modelSummary").tryQuery().isPresent(), "the dialog describes the folder");
        assertEquals("qwen2 · 1 layer · 32 wide · 17.1 k params · BF16",
                lookup("#modelSummary").queryAs(Label.class).getText());
        String details = lookup("#modelDetails").queryAs(Label.class).getText();
        assertTrue(details.contains("tokenizer") && details.contains("no chat template"), details);
        assertTrue(lookup("#reward-exact_answer").queryAs(CheckBox.class).isSelected(), "a verifier is chosen");
        assertEquals("auto", lookup("#modelPromptFormat").queryComboBox().getValue());

        interact(() -> lookup("#modelLocation").queryAs(TextField.class).setText(workspace.toString()));
        assertEquals("qwen-tiny-grpo", lookup("#modelName").queryAs(TextField.class).getText());
        Node create = lookup("#modelCreate").query();
        assertFalse(create.isDisabled(), lookup("#modelProblem").queryAs(Label.class).getText());

        interact(() -> lookup("#modelPromptFormat").queryComboBox().getSelectionModel().select("chat"));
        assertTrue(create.isDisabled(), "chat needs a chat template");
        assertTrue(lookup("#modelProblem").queryAs(Label.class).getText().contains("no chat template"));
        interact(() -> lookup("#modelPromptFormat").queryComboBox().getSelectionModel().select("auto"));
        clickOn("#reward-exact_answer");
        clickOn("#reward-answer_format");
        assertTrue(create.isDisabled(), "no reward chosen");
        clickOn("#reward-answer_format");
        clickOn("#reward-exact_answer");
        assertFalse(create.isDisabled(), lookup("#modelProblem").queryAs(Label.class).getText());
        WindowTests.screenshot(lookup("#modelSummary").query().getScene().getRoot(), "open-model-folder.png");
        clickOn(create);

        Path created = workspace.resolve("qwen-tiny-grpo");
        waitUntil(() -> "GRPO Workbench — qwen-tiny-grpo".equals(workbench.titleProperty().get()),
                "the new project opens");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());

        Project p = new ProjectLoader(PluginRegistry.discover()).load(created);
        assertEquals("hf-causal-lm", p.model().factory().name());
        assertEquals(folder.toAbsolutePath().normalize(), p.model().init());
        assertEquals(64, p.model().settings().integer("context"), "the context within max_position_embeddings");
        assertEquals(List.of("exact_answer × 1.0", "answer_format × 0.1"), p.rewards().stream()
                .map(r -> r.function().name() + " × " + r.weight()).toList(), "the verifier decides, the format shapes");
        assertTrue(p.data().train().size() > 100 && !p.data().eval().isEmpty(), "the sample's data came along");
        assertTrue(Files.isRegularFile(created.resolve("data/train.jsonl")));

        List<String> model = workbench.explorer().modelLines();
        assertEquals(List.of("qwen2 · 1 layer · 32 wide", "17.1 k params · BF16"), model.subList(0, 2),
                model.toString());
        waitUntil(() -> lookup("#statusDevice").queryAs(Label.class).getText().startsWith("device: cpu")
                || lookup("#statusDevice").queryAs(Label.class).getText().startsWith("device: gpu"),
                "the status bar names the device");

        // its first run trains the folder's model and the inspector shows its byte-level pieces
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> workbench.session().stateProperty().get() == RunSession.State.FINISHED,
                "the run finishes");
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        interact(() -> {
            workbench.editors().getSelectionModel().select(1);
            // wide enough to read the model's line whole
            ((javafx.scene.control.SplitPane) workbench.explorer().getParent().getParent()).setDividerPositions(0.27);
        });
        WindowTests.screenshot(workbench.root(), "model-folder-project.png");
    }

    @Test
    void aFolderWithoutConfigJsonSaysSoNamingTheFile() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("not-a-model"));
        Files.copy(TOKENIZER.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        settle(workbench);
        choose(folder);
        waitUntil(() -> lookup("#modelError").tryQuery().isPresent(), "the dialog says what is wrong");
        String error = lookup("#modelError").queryAs(Label.class).getText();
        assertTrue(error.contains(folder.toAbsolutePath().normalize().resolve("config.json").toString()), error);
        assertTrue(lookup("#modelCreate").tryQuery().isEmpty(), "nothing to create");
        WindowTests.screenshot(lookup("#modelError").query().getScene().getRoot(), "open-model-folder-error.png");
        clickOn(lookup(".dialog-pane .button").queryButton());
        waitUntil(() -> lookup("#modelError").tryQuery().isEmpty(), "Close closes it");
        assertEquals("GRPO Workbench — arithmetic", workbench.titleProperty().get(), "the open project stays");
    }
}
