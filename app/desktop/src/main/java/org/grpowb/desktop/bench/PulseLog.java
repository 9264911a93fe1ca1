package org.grpowb.desktop.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prism's render time per pulse, read from JavaFX's own pulse logger. With {@code -Djavafx.pulseLogger=true} and a
 * threshold below zero, JavaFX prints every pulse to standard error as a header ({@code PULSE: n [interval:total]},
 * total running from the pulse's start to the end of its rendering) and one line per phase naming the thread that ran
 * it. Phases on a thread other than the FX thread are the render thread's: that is the only public window onto
 * rendering, which happens after the pulse and out of reach of pulse listeners. The logger prints whole
 * milliseconds, truncated, so these figures are coarser than the FX-thread ones.
 * <p>
 * Installed as {@code System.err} until the benchmark exits (JavaFX logs every pulse until then); lines that are not
 * the pulse logger's pass through.
 */
final class PulseLog extends OutputStream {

    /** One logged pulse; times in whole milliseconds as JavaFX printed them. */
    record Pulse(long startNanos, int intervalMs, int totalMs, int fxMs, int renderMs, boolean rendered) {
    }

    private static final Pattern HEADER = Pattern.compile("PULSE: \\d+ \\[(-?\\d+)ms:(-?\\d+)ms\\]( Required No Rendering)?");
    private static final Pattern PHASE = Pattern.compile("T(\\d+) \\((-?\\d+) \\+(-?\\d+)ms\\): .*");
    private static final Pattern NOISE = Pattern.compile(
            "|T\\d+ : .*|Counters:|\\t.*: \\d+|INTER PULSE LOG DATA|WARNING: logging incomplete state"
                    + "|(\\[\\d+ -?\\d+ms:-?\\d+ms\\])+");

    private final PrintStream passThrough;
    private final Charset charset;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final List<Pulse> pulses = new ArrayList<>();
    private volatile long fxThread = -1;
    // the pulse being read: its header's arrival time and figures, then its phases
    private long arrival;
    private int interval = -1;
    private int total;
    private int fx;
    private int render;
    private boolean rendered;

    private PulseLog(PrintStream passThrough) {
        this.passThrough = passThrough;
        this.charset = Charset.defaultCharset();
    }

    /**
     * Asks JavaFX for a log of every pulse. Must run before the JavaFX toolkit starts: the logger reads these
     * properties once, when its classes load.
     */
    static void request() {
        System.setProperty("javafx.pulseLogger", "true");
        System.setProperty("javafx.pulseLogger.threshold", "-1");
    }

    /** Reads the pulse log from now on, if {@link #request} took effect; null otherwise. */
    static PulseLog install() {
        if (!Boolean.getBoolean("javafx.pulseLogger")) {
            return null;
        }
        PulseLog log = new PulseLog(System.err);
        System.setErr(new PrintStream(log, true, log.charset));
        return log;
    }

    /** Tells which thread id is the FX thread; every other thread in the log is the render thread. */
    void fxThread(long id) {
        fxThread = id;
    }

    /**
     * Pulses that started in [{@code fromNanos}, {@code toNanos}], as far as the log can tell: it starts a pulse's
     * clock a little before the animation phase and prints whole milliseconds, so a pulse may seem to start up to a
     * few milliseconds early.
     */
    synchronized List<Pulse> between(long fromNanos, long toNanos) {
        List<Pulse> out = new ArrayList<>();
        for (Pulse p : pulses) {
            if (p.startNanos() >= fromNanos - 5_000_000 && p.startNanos() <= toNanos + 1_000_000) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            readLine(line.toString(charset));
            line.reset();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void readLine(String s) {
        Matcher m = HEADER.matcher(s);
        if (m.matches()) {
            finishPulse();
            arrival = System.nanoTime();
            interval = Integer.parseInt(m.group(1));
            total = Integer.parseInt(m.group(2));
            rendered = m.group(3) == null;
            return;
        }
        m = PHASE.matcher(s);
        if (m.matches()) {
            int ms = Integer.parseInt(m.group(3));
            if (Long.parseLong(m.group(1)) == fxThread) {
                fx += ms;
            } else {
                render += ms;
            }
            return;
        }
        if (s.startsWith("INTER PULSE")) {
            finishPulse();
        }
        if (!NOISE.matcher(s).matches()) {
            passThrough.println(s);
        }
    }

    private void finishPulse() {
        if (interval >= 0) {
            pulses.add(new Pulse(arrival - total * 1_000_000L, interval, total, fx, render, rendered));
        }
        interval = -1;
        fx = 0;
        render = 0;
    }
}
