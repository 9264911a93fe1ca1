package org.grpowb.desktop;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.grpowb.api.PluginApi;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;

/**
 * A model plugin for decoding tests, with a vocabulary unlike tiny-gpt's: token id n is the word " wn" (" Wn" with
 * {@code case: upper}). It only decodes; it cannot be trained. {@link #pluginJar} packs it as a project plugin jar,
 * which loads it in its own class loader, as a user's plugin would be.
 */
public final class SpelledModel implements PolicyModelFactory {

    /** The word a token id decodes to. */
    static String word(int id, boolean upper) {
        return (upper ? " W" : " w") + id;
    }

    @Override
    public String name() {
        return "spelled";
    }

    @Override
    public String description() {
        return "a vocabulary of words, for decoding tests";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(SettingSpec.choice("case", "how the words are written", "lower", "lower", "upper"));
    }

    @Override
    public PolicyModel create(NDManager manager, Settings settings, long seed) {
        throw new UnsupportedOperationException("the spelled model only decodes");
    }

    @Override
    public TokenCodec codec(Settings settings) {
        return new Words(settings.choice("case").equals("upper"));
    }

    @Override
    public PolicyModel load(NDManager manager, Path dir) {
        throw new UnsupportedOperationException("the spelled model only decodes");
    }

    private record Words(boolean upper) implements TokenCodec {
        @Override
        public int vocabSize() {
            return 1000;
        }

        @Override
        public int eosId() {
            return 0;
        }

        @Override
        public int[] encode(String text) {
            throw new UnsupportedOperationException("the spelled model only decodes");
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder b = new StringBuilder();
            for (int id : ids) {
                if (id != 0) {
                    b.append(tokenText(id));
                }
            }
            return b.toString();
        }

        @Override
        public String tokenText(int id) {
            return word(id, upper);
        }
    }

    /** Packs this class as a plugin jar (of this workbench's plugin API) registering it as a model factory. */
    static Path pluginJar(Path jar) throws IOException {
        Path classes;
        try {
            classes = Path.of(SpelledModel.class.getResource("SpelledModel.class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String pkg = SpelledModel.class.getPackageName().replace('.', '/') + "/";
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(PluginApi.MANIFEST_ATTRIBUTE, String.valueOf(PluginApi.VERSION));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.list(classes)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("SpelledModel(\\$.*)?\\.class"))
                    .sorted().toList()) {
                out.putNextEntry(new JarEntry(pkg + f.getFileName()));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + PolicyModelFactory.class.getName()));
            out.write((SpelledModel.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
