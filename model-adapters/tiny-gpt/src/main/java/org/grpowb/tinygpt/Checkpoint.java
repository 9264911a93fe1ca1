package org.grpowb.tinygpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A saved tiny GPT: {@code model.properties} (the architecture) and {@code weights.ndlist} (every parameter, named, in
 * order, in DJL's NDList encoding). Writes are atomic: a new directory appears whole by one rename; in an existing
 * directory each file is replaced by rename, weights first.
 */
final class Checkpoint {

    static final String CONFIG_FILE = "model.properties";
    static final String WEIGHTS_FILE = "weights.ndlist";

    /** What a directory holds: the architecture and the decoded weights, attached to the given manager. */
    record Saved(TinyGptConfig config, NDList weights) {
    }

    private Checkpoint() {
    }

    static void write(Path dir, TinyGptConfig config, Map<String, NDArray> parameters) throws IOException {
        byte[] weights;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList list = new NDList(parameters.size());
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray values = e.getValue().stopGradient();
                values.setName(e.getKey());
                list.add(values);
            }
            weights = list.encode();
        }
        ByteArrayOutputStream properties = new ByteArrayOutputStream();
        config.toProperties().store(properties, "tiny-gpt model architecture");
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute)) {
            replaceFile(absolute.resolve(WEIGHTS_FILE), weights);
            replaceFile(absolute.resolve(CONFIG_FILE), properties.toByteArray());
            return;
        }
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".");
        try {
            Files.write(staging.resolve(WEIGHTS_FILE), weights);
            Files.write(staging.resolve(CONFIG_FILE), properties.toByteArray());
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * @throws NoSuchFileException naming the directory when it holds no saved model
     * @throws IOException         naming the file when it is unreadable or does not match its architecture
     */
    static Saved read(NDManager manager, Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no saved tiny-gpt model: directory does not exist");
        }
        for (Path required : List.of(configFile, weightsFile)) {
            if (!Files.isRegularFile(required)) {
                throw new NoSuchFileException(required.toString(), null, "no saved tiny-gpt model: file missing");
            }
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(configFile)) {
            properties.load(in);
        }
        TinyGptConfig config;
        try {
            config = TinyGptConfig.fromProperties(properties, configFile.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        NDList weights;
        try (InputStream in = Files.newInputStream(weightsFile)) {
            weights = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new IOException(weightsFile + ": not a readable NDList (" + e.getMessage() + ")", e);
        }
        try {
            check(config, weights, weightsFile);
        } catch (IOException e) {
            weights.close();
            throw e;
        }
        return new Saved(config, weights);
    }

    private static void check(TinyGptConfig config, NDList weights, Path file) throws IOException {
        List<TinyGptConfig.ParameterSpec> specs = config.parameterSpecs();
        if (weights.size() != specs.size()) {
            throw new IOException(file + ": " + weights.size() + " arrays, the architecture needs " + specs.size());
        }
        for (int i = 0; i < specs.size(); i++) {
            TinyGptConfig.ParameterSpec spec = specs.get(i);
            NDArray a = weights.get(i);
            if (!spec.name().equals(a.getName()) || !spec.shape().equals(a.getShape())
                    || a.getDataType() != config.dtype()) {
                throw new IOException(file + ": array " + i + " is " + a.getName() + " " + a.getShape() + " "
                        + a.getDataType() + ", expected " + spec.name() + " " + spec.shape() + " " + config.dtypeName());
            }
        }
    }

    private static void replaceFile(Path target, byte[] content) throws IOException {
        Path staging = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(staging, content);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
