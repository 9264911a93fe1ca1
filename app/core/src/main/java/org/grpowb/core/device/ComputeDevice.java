package org.grpowb.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.grpowb.core.user.Installation;

/**
 * Where training runs, chosen once at start, and why: an NVIDIA GPU through CUDA when the build carries CUDA natives
 * and the driver shows a device, the CPU otherwise. DJL would fall back to the CPU silently; a researcher who expected
 * the GPU must read the reason in the CLI's first line and the window's status bar.
 *
 * <p>{@code GRPOWB_DEVICE=cpu} (or {@code -Dgrpowb.device=cpu}) keeps a CUDA build on the CPU, e.g. to compare.
 *
 * @param device      the device every base manager of a run is made on
 * @param reason      why this device, in words
 * @param nativeFlavor the PyTorch natives on the class path ({@code cpu}, {@code cu124}, …) and their version
 */
public record ComputeDevice(Device device, String reason, String nativeFlavor) {

    /** The environment variable (and, as {@code grpowb.device}, system property) that forces a device. */
    public static final String OVERRIDE = "GRPOWB_DEVICE";

    private static volatile ComputeDevice chosen;

    /** The device of this process, chosen on first use. */
    public static ComputeDevice current() {
        ComputeDevice c = chosen;
        if (c == null) {
            synchronized (ComputeDevice.class) {
                if (chosen == null) {
                    chosen = choose(System.getProperty("grpowb.device", System.getenv(OVERRIDE)));
                }
                c = chosen;
            }
        }
        return c;
    }

    /** One line for the CLI and the status bar, e.g. {@code cpu (this build has CPU-only PyTorch natives; …)}. */
    public String line() {
        return (device.isGpu() ? "gpu " + device.getDeviceId() : "cpu") + " (" + reason + ")";
    }

    static ComputeDevice choose(String override) {
        Engine engine = Engine.getInstance();
        String flavor = classPathFlavor() + " " + engine.getVersion();
        boolean cudaBuild = engine.hasCapability("CUDA");
        int gpus = cudaBuild ? CudaUtils.getGpuCount() : 0;
        if (override != null && !override.isBlank()) {
            String o = override.trim().toLowerCase(Locale.ROOT);
            if (o.equals("cpu")) {
                return new ComputeDevice(Device.cpu(), OVERRIDE + "=cpu", flavor);
            }
            if (!o.equals("gpu") && !o.equals("cuda") && !o.equals("auto")) {
                throw new IllegalArgumentException(OVERRIDE + " must be cpu, gpu or auto, got '" + override + "'");
            }
            if (!o.equals("auto") && gpus == 0) {
                throw new IllegalStateException(OVERRIDE + "=" + o + " but " + cpuReason(cudaBuild, flavor, installedApp()));
            }
        }
        if (gpus > 0) {
            return new ComputeDevice(Device.gpu(0), "CUDA, " + gpus + " GPU" + (gpus > 1 ? "s" : "")
                    + " visible, PyTorch " + flavor, flavor);
        }
        return new ComputeDevice(Device.cpu(), cpuReason(cudaBuild, flavor, installedApp()), flavor);
    }

    /**
     * Why the CPU, and what would give a GPU: to a user of the installed app, the package that has the CUDA natives;
     * to a developer, the build profile.
     */
    static String cpuReason(boolean cudaBuild, String flavor, boolean installedApp) {
        if (cudaBuild) {
            return "no GPU found: PyTorch " + flavor + " has CUDA but the driver shows no device";
        }
        return "no CUDA natives in this build (PyTorch " + flavor + "); for a GPU, "
                + (installedApp ? "install the grpowb-cuda package" : "build with -Pcuda");
    }

    private static boolean installedApp() {
        return Installation.current().map(Installation::installed).orElse(false);
    }

    /** The {@code flavor} of the {@code pytorch-native-*} jar on the class path (cpu, cu124, …), or "unknown". */
    static String classPathFlavor() {
        try (InputStream in = ComputeDevice.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("flavor", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
