package org.grpowb.desktop.projects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.hf.RandomInit;
import org.grpowb.hf.safetensors.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project made around a model folder, without the window: what it writes, and that it loads. */
class ModelFolderProjectTest {

    private static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
             "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 48, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "vocab_size": 288,
             "tie_word_embeddings": false, "use_sliding_window": false}
            """;

    @TempDir
    Path dir;

    private Path folder(String name) throws IOException {
        Path out = dir.resolve(name);
        RandomInit.write(Files.writeString(dir.resolve(name + ".json"), CONFIG),
                Path.of("../../model-adapters/hf-causal-lm/src/test/resources/text/tiny-byte-bpe"), out, 1, Dtype.F32);
        return out;
    }

    @Test
    void aJsonlFileAndTwoRewardsMakeAProjectThatLoads() throws IOException {
        PluginRegistry plugins = PluginRegistry.discover();
        // a folder name with a space and a quote: the project file quotes it
        ModelFolderProject.Inspected model = ModelFolderProject.inspect(plugins, folder("it's a model"));
        assertEquals("hf-causal-lm", model.factory());
        assertEquals("qwen2 · 2 layers · 32 wide · 34.1 k params · F32", model.card().line());
        Path jsonl = Files.writeString(dir.resolve("examples.jsonl"), """
                {"id": "a", "prompt": "1+1=", "answer": "2"}
                {"id": "b", "prompt": "2+2=", "answer": "4"}
                {"id": "c", "prompt": "3+3=", "answer": "6", "split": "eval"}
                """);
        Map<String, Double> rewards = new LinkedHashMap<>();
        rewards.put("exact_answer", 1.0);
        rewards.put("answer_format", 0.1);
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        ModelFolderProject request = new ModelFolderProject(workspace, "mine", model,
                ModelFolderProject.Data.of(jsonl), rewards, "raw", "grpo");
        Path created = request.create();

        Project p = new ProjectLoader(plugins).load(created);
        assertEquals("mine", p.name());
        assertEquals(model.folder(), p.model().init());
        assertEquals(48, p.model().settings().integer("context"), "the context within max_position_embeddings");
        assertEquals("raw", p.model().settings().choice("prompt_format"));
        assertEquals(12, p.training().sampling().maxNewTokens(), "a quarter of the context for the completion");
        assertEquals(2, p.data().train().size());
        assertEquals(1, p.data().eval().size(), "the file's eval lines are held out");
        assertEquals(0.1, p.rewards().get(1).weight(), 1e-12);
        assertTrue(Files.isRegularFile(created.resolve("data/examples.jsonl")), "the data is copied in");
        assertFalse(Files.exists(workspace.resolve(".mine.creating")), "no staging folder is left");

        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, request::create);
        assertTrue(again.getMessage().contains("exists already"), again.getMessage());
    }

    @Test
    void aFolderNoModelDescribesIsRefusedNamingTheFile() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> ModelFolderProject.inspect(PluginRegistry.discover(),
                empty));
        assertTrue(e.getMessage().contains(empty.toAbsolutePath().resolve("config.json").toString()), e.getMessage());
        IOException file = assertThrows(IOException.class, () -> ModelFolderProject.inspect(PluginRegistry.discover(),
                Files.writeString(dir.resolve("config.json"), CONFIG)));
        assertTrue(file.getMessage().endsWith("not a folder"), file.getMessage());
    }
}
