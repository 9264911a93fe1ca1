package org.grpowb.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The device is said with its reason; an override is obeyed or refused, never silently ignored. */
class ComputeDeviceTest {

    @Test
    void aCpuOnlyBuildSaysWhyItTrainsOnTheCpu() {
        Assumptions.assumeFalse(Engine.getInstance().hasCapability("CUDA"), "this build has CUDA natives");
        ComputeDevice d = ComputeDevice.choose(null);
        assertEquals(Device.cpu(), d.device());
        assertEquals("cpu", d.nativeFlavor().split(" ")[0]);
        assertTrue(d.line().startsWith("cpu (no CUDA natives in this build"), d.line());
        assertTrue(d.line().endsWith("; for a GPU, build with -Pcuda)"), d.line());
        IllegalStateException gpu = assertThrows(IllegalStateException.class, () -> ComputeDevice.choose("gpu"));
        assertTrue(gpu.getMessage().contains("GRPOWB_DEVICE=gpu but no CUDA natives"), gpu.getMessage());
    }

    @Test
    void theOverrideKeepsAnyBuildOnTheCpu() {
        ComputeDevice d = ComputeDevice.choose("CPU");
        assertEquals(Device.cpu(), d.device());
        assertEquals("cpu (GRPOWB_DEVICE=cpu)", d.line());
    }

    @Test
    void anUnknownOverrideIsRefusedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.choose("tpu"));
        assertEquals("GRPOWB_DEVICE must be cpu, gpu or auto, got 'tpu'", e.getMessage());
    }

    @Test
    void theInstalledAppNamesThePackageWithTheCudaNativesAndTheCheckoutItsBuildProfile() {
        assertEquals("no CUDA natives in this build (PyTorch cpu 2.7.1); for a GPU, install the grpowb-cuda package",
                ComputeDevice.cpuReason(false, "cpu 2.7.1", true));
        assertEquals("no CUDA natives in this build (PyTorch cpu 2.7.1); for a GPU, build with -Pcuda",
                ComputeDevice.cpuReason(false, "cpu 2.7.1", false));
        assertEquals("no GPU found: PyTorch cu124 2.5.1 has CUDA but the driver shows no device",
                ComputeDevice.cpuReason(true, "cu124 2.5.1", true));
    }
}
