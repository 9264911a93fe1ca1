package org.grpowb.core.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as the kernel counts it: native PyTorch tensors live outside the Java heap, so the JVM's
 * own figures miss most of a model.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Peak resident set size (VmHWM) in bytes, or −1 where /proc is not there. */
    public static long peakRssBytes() {
        return field("VmHWM:");
    }

    /** Current resident set size (VmRSS) in bytes, or −1. */
    public static long rssBytes() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
