package io.meshinfer.models.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which device a session opens on, with a stand-in opener that records the devices it was asked for. */
class ProviderSelectionTest {
    private final List<Device> tried = new ArrayList<>();

    private String openAnywhere(Device device) {
        tried.add(device);
        return "session on " + device;
    }

    @Test
    void cpuNeedsNoProvider() throws Exception {
        ProviderSelection.Choice<String> c = ProviderSelection.open(Device.CPU, Set.of("CPU"), this::openAnywhere,
                                                                    false);
        assertEquals(Device.CPU, c.device());
        assertEquals(List.of(Device.CPU), tried);
    }

    @Test
    void cudaOpensOnTheRequestedDevice() throws Exception {
        Device gpu = Device.parse("cuda:1");
        ProviderSelection.Choice<String> c = ProviderSelection.open(gpu, Set.of("CPU", "CUDA"), this::openAnywhere,
                                                                    false);
        assertEquals(gpu, c.device());
        assertEquals("session on " + gpu, c.session());
        assertEquals(List.of(gpu), tried);
    }

    @Test
    void aCpuOnlyBuildRefusesCudaAndSaysHowToGetIt() {
        ModelException e = assertThrows(ModelException.class, () -> ProviderSelection.open(
                Device.parse("cuda"), Set.of("CPU"), this::openAnywhere, false));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("--allow-cpu-fallback"),
                   e.getMessage());
        assertTrue(tried.isEmpty());
    }

    @Test
    void aFailingCudaInitialisationRefusesToStartWithTheCause() {
        ModelException e = assertThrows(ModelException.class, () -> ProviderSelection.open(
                Device.parse("cuda:0"), Set.of("CPU", "CUDA"), device -> {
                    throw new IllegalStateException("libcudnn.so.9: cannot open shared object file");
                }, false));
        assertTrue(e.getMessage().contains("libcudnn.so.9"), e.getMessage());
    }

    @Test
    void aSessionThatFailsOnTheGpuAfterTheProviderAttachedFallsBackOnlyWhenAsked() throws Exception {
        ProviderSelection.Opener<String> noVisibleGpu = device -> {
            tried.add(device);
            if (device.kind() == Device.Kind.CUDA) {
                throw new IllegalStateException("CUDA failure 100: no CUDA-capable device is detected");
            }
            return "session on " + device;
        };
        ModelException refused = assertThrows(ModelException.class, () -> ProviderSelection.open(
                Device.parse("cuda:0"), Set.of("CPU", "CUDA"), noVisibleGpu, false));
        assertTrue(refused.getMessage().contains("no CUDA-capable device"), refused.getMessage());
        ProviderSelection.Choice<String> c = ProviderSelection.open(Device.parse("cuda:0"), Set.of("CPU", "CUDA"),
                                                                    noVisibleGpu, true);
        assertEquals(Device.CPU, c.device());
        assertTrue(c.fallback().contains("no CUDA-capable device"), c.fallback());
    }

    @Test
    void fallbackRunsOnTheCpuOnlyWhenAskedAndSaysWhy() throws Exception {
        ProviderSelection.Choice<String> c = ProviderSelection.open(Device.parse("cuda:0"), Set.of("CPU"),
                                                                    this::openAnywhere, true);
        assertEquals(Device.CPU, c.device());
        assertEquals(List.of(Device.CPU), tried);
        assertTrue(c.fallback().contains("no CUDA execution provider"), c.fallback());
    }

    @Test
    void deviceNamesParseStrictly() {
        assertEquals(Device.CPU, Device.parse(" CPU "));
        assertEquals(new Device(Device.Kind.CUDA, 0), Device.parse("cuda"));
        assertEquals(new Device(Device.Kind.CUDA, 3), Device.parse("cuda:3"));
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse(bad));
            assertTrue(e.getMessage().contains("accepted: cpu, cuda, cuda:N"), e.getMessage());
        }
    }
}
