package org.grpowb.core.plugin.python;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Python reward files are run.
 *
 * @param executable   the interpreter (the user's {@code python3} unless settings say otherwise)
 * @param startTimeout how long the worker may take to import the file and list its functions
 * @param batchTimeout how long one batch may take; past it the worker is killed and only that batch fails
 */
public record PythonSettings(String executable, Duration startTimeout, Duration batchTimeout) {

    /** The system property that names the interpreter ({@code -Dgrpowb.python=/usr/bin/python3.12}). */
    public static final String PROPERTY = "grpowb.python";

    /** The environment variable that names the interpreter when the property is not set. */
    public static final String ENVIRONMENT = "GRPOWB_PYTHON";

    /**
     * 30 s (ours): a reward file that imports a large library (numpy, sympy, a tokenizer) takes seconds on a cold
     * disk; one that takes longer is more likely stuck at import than slow.
     */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * 60 s (ours): a batch is a whole step's rollouts (hundreds of completions), and a verifier that runs code or a
     * symbolic check may take tens of milliseconds each; a minute is far above that and still short beside a step.
     */
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofSeconds(60);

    /** The oldest Python the worker's runner is written for. */
    static final int MIN_MINOR_VERSION = 8;

    private static final Pattern VERSION = Pattern.compile("Python 3\\.(\\d+)");

    public PythonSettings {
        Objects.requireNonNull(executable, "executable");
        if (executable.isBlank()) {
            throw new IllegalArgumentException("the Python executable is blank");
        }
        requirePositive(startTimeout, "startTimeout");
        requirePositive(batchTimeout, "batchTimeout");
    }

    /** From {@code -Dgrpowb.python}, else the environment's {@code GRPOWB_PYTHON}, else {@code python3}. */
    public static PythonSettings fromSystem() {
        String exe = System.getProperty(PROPERTY);
        if (exe == null || exe.isBlank()) {
            exe = System.getenv(ENVIRONMENT);
        }
        if (exe == null || exe.isBlank()) {
            exe = "python3";
        }
        return new PythonSettings(exe.strip(), DEFAULT_START_TIMEOUT, DEFAULT_BATCH_TIMEOUT);
    }

    /** The same interpreter and start timeout with another batch timeout. */
    public PythonSettings withBatchTimeout(Duration timeout) {
        return new PythonSettings(executable, startTimeout, timeout);
    }

    /**
     * Whether {@code executable} runs and says it is Python 3.8 or newer, asked with {@code --version} and given 5 s:
     * for tests that need a Python and for the settings page's check of the user's choice.
     */
    public static boolean available(String executable) {
        if (executable == null || executable.isBlank()) {
            return false;
        }
        Process p;
        try {
            p = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            return false;
        }
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return false;
            }
            // Python 2 printed its version on stderr, hence the merged streams
            Matcher m = VERSION.matcher(new String(out.readNBytes(256), StandardCharsets.UTF_8));
            return m.find() && Integer.parseInt(m.group(1)) >= MIN_MINOR_VERSION;
        } catch (IOException | NumberFormatException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            p.destroyForcibly();
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
