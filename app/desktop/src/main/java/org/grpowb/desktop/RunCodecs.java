package org.grpowb.desktop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.run.RunInfo;

/**
 * The tokenizers the window decodes token ids with. The store keeps ids, not text, and a stored run's ids mean what
 * the tokenizer of the model it was trained with says: the model its config snapshot names ({@code model.name}, with
 * its settings), found through the window's plugins — not the open project's model, which may have changed since, or
 * belong to another project altogether. The open project's tokenizer stands in only when the run's model is unknown
 * here, and the {@link Decoding} then says so.
 *
 * @param plugins the window's plugins (bundled and the open project's trusted jars); null: the bundled ones only
 * @param project the open project's tokenizer, which decodes the live run; null when no project is open
 */
record RunCodecs(PluginRegistry plugins, TokenCodec project) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Before a project is open: no tokenizer of its own, the bundled plugins for stored runs. */
    static final RunCodecs NONE = new RunCodecs(null, null);

    /**
     * How one run's ids become text.
     *
     * @param codec   the tokenizer; null when there is none, and ids show as {@code #id}
     * @param problem why this is not the run's own tokenizer; empty when it is
     */
    record Decoding(TokenCodec codec, String problem) {

        /** The text of a token id; {@code #id} for one the tokenizer cannot decode (a stand-in's smaller vocabulary). */
        String tokenText(int id) {
            if (codec == null || id < 0 || id >= codec.vocabSize()) {
                return "#" + id;
            }
            try {
                return codec.tokenText(id);
            } catch (RuntimeException e) {
                return "#" + id;
            }
        }
    }

    /** The live run's decoding: it trains the open project's model. */
    Decoding live() {
        return new Decoding(project, "");
    }

    /** A stored run's decoding, from its config snapshot, with no store to find a model folder from. */
    Decoding of(RunInfo run) {
        return of(run, null);
    }

    /**
     * A stored run's decoding, from its config snapshot. Off the UI thread: making a tokenizer may read its files. A
     * model that keeps its tokenizer in its {@code model.init} folder (a Hugging Face checkpoint) finds it relative to
     * the project folder, which holds the store in {@code runs/} by default.
     *
     * @param storeFile the run store the run was read from, or null
     */
    Decoding of(RunInfo run, Path storeFile) {
        String model = "";
        try {
            JsonNode m = JSON.readTree(run.configJson()).path("model");
            model = m.path("name").asText("");
            if (model.isEmpty()) {
                return fallback(run, "its config names no model");
            }
            PolicyModelFactory factory = (plugins == null ? PluginRegistry.discover() : plugins).model(model);
            Map<String, Object> given = m.path("settings").isObject()
                    ? JSON.convertValue(m.path("settings"), new TypeReference<Map<String, Object>>() { })
                    : Map.of();
            Path init = null;
            Path projectDir = storeFile == null ? null : storeFile.toAbsolutePath().getParent().getParent();
            if (m.hasNonNull("init") && projectDir != null) {
                init = projectDir.resolve(m.path("init").asText()).normalize();
            }
            TokenCodec codec = factory.codec(Settings.resolve(factory.settings(), given,
                    "run " + run.id() + " model.settings"), init);
            return new Decoding(codec, "");
        } catch (JsonProcessingException e) {
            return fallback(run, "its config is not JSON");
        } catch (NoSuchElementException e) { // the registry's message names the known models and untrusted jars
            return fallback(run, e.getMessage());
        } catch (RuntimeException e) { // settings the model no longer accepts, a plugin's failure
            return fallback(run, "model '" + model + "': " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private Decoding fallback(RunInfo run, String why) {
        return new Decoding(project, "run " + run.id() + " cannot be decoded with its own tokenizer (" + why + "); its "
                + (project == null ? "tokens are shown as ids" : "tokens are shown with the open project's tokenizer"));
    }
}
