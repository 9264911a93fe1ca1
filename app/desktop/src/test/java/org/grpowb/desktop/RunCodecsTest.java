package org.grpowb.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.run.RunInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored run decodes with the tokenizer of the model it was trained with, named in its config, whatever the open
 * project's model is; the open project's tokenizer stands in, with a problem saying so, only when that model is unknown.
 */
class RunCodecsTest {

    @TempDir
    Path dir;

    private PluginRegistry plugins;
    private TokenCodec tinyGpt;

    @BeforeEach
    void aProjectWithTheSpelledModelsJar() throws IOException {
        PluginFile jar = PluginFile.of(SpelledModel.pluginJar(dir.resolve("plugins/spelled.jar")));
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(jar);
        plugins = PluginRegistry.forProject(dir, trust);
        var factory = plugins.model("tiny-gpt");
        tinyGpt = factory.codec(Settings.resolve(factory.settings(), java.util.Map.of(), "tiny-gpt"));
    }

    private static RunInfo run(long id, String model) {
        return new RunInfo(id, "p", "grpo", 1, "done", "2026-01-01T00:00:00Z",
                "{\"name\":\"p\",\"model\":" + model + ",\"variant\":{\"name\":\"grpo\"}}", 3);
    }

    @Test
    void aRunDecodesWithItsOwnModelsTokenizerAndSettingsNotTheOpenProjects() {
        RunCodecs codecs = new RunCodecs(plugins, tinyGpt);
        RunCodecs.Decoding d = codecs.of(run(4, "{\"name\":\"spelled\",\"init\":null,\"settings\":{\"case\":\"upper\"}}"));
        assertEquals("", d.problem());
        assertEquals(" W35", d.tokenText(35));
        assertEquals("A", codecs.live().tokenText(35), "the open project's tiny-gpt reads id 35 as 'A'");
        assertEquals(" w35", codecs.of(run(5, "{\"name\":\"spelled\"}")).tokenText(35), "the model's defaults");
    }

    @Test
    void anUnknownModelFallsBackToTheOpenProjectsTokenizerAndSaysSo() {
        RunCodecs.Decoding d = new RunCodecs(plugins, tinyGpt).of(run(7, "{\"name\":\"retired\",\"settings\":{}}"));
        assertSame(tinyGpt, d.codec());
        assertEquals("A", d.tokenText(35));
        assertEquals("#5000", d.tokenText(5000), "an id past the stand-in's vocabulary shows as an id");
        assertTrue(d.problem().startsWith("run 7 cannot be decoded with its own tokenizer (unknown model 'retired';")
                && d.problem().endsWith("its tokens are shown with the open project's tokenizer"), d.problem());
    }

    @Test
    void anUntrustedJarsModelIsUnknownAndTheProblemNamesTheJar() {
        PluginRegistry untrusted = PluginRegistry.forProject(dir, new PluginTrust(dir.resolve("nobody-trusts")));
        RunCodecs.Decoding d = new RunCodecs(untrusted, null).of(run(8, "{\"name\":\"spelled\"}"));
        assertNull(d.codec());
        assertEquals("#35", d.tokenText(35));
        assertTrue(d.problem().contains("spelled.jar (not trusted") && d.problem().endsWith("shown as ids"),
                d.problem());
    }

    @Test
    void withNoProjectOpenTheBundledPluginsStillDecodeABundledModel() {
        RunCodecs.Decoding d = RunCodecs.NONE.of(run(9, "{\"name\":\"tiny-gpt\",\"settings\":{}}"));
        assertEquals("", d.problem());
        assertEquals("A", d.tokenText(35));
    }
}
