package io.meshinfer.models.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshinfer.models.ModelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderSelectionTest {
    private final List<Integer> attached = new ArrayList<>();

    @Test
    void cpuNeedsNoProvider() {
        ProviderSelection.Choice c = ProviderSelection.select(Device.CPU, Set.of("CPU"), attached::add, false);
        assertEquals(Device.CPU, c.device());
        assertTrue(attached.isEmpty());
    }

    @Test
    void cudaIsAttachedToTheRequestedDevice() {
        Device gpu = Device.parse("cuda:1");
        ProviderSelection.Choice c = ProviderSelection.select(gpu, Set.of("CPU", "CUDA"), attached::add, false);
        assertEquals(gpu, c.device());
        assertEquals(List.of(1), attached);
    }

    @Test
    void aCpuOnlyBuildRefusesCudaAndSaysHowToGetIt() {
        ModelException e = assertThrows(ModelException.class, () -> ProviderSelection.select(
                Device.parse("cuda"), Set.of("CPU"), attached::add, false));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("--allow-cpu-fallback"),
                   e.getMessage());
    }

    @Test
    void aFailingCudaInitialisationRefusesToStartWithTheCause() {
        ModelException e = assertThrows(ModelException.class, () -> ProviderSelection.select(
                Device.parse("cuda:0"), Set.of("CPU", "CUDA"), i -> {
                    throw new IllegalStateException("libcudnn.so.9: cannot open shared object file");
                }, false));
        assertTrue(e.getMessage().contains("libcudnn.so.9"), e.getMessage());
    }

    @Test
    void fallbackRunsOnTheCpuOnlyWhenAskedAndSaysWhy() {
        ProviderSelection.Choice c = ProviderSelection.select(Device.parse("cuda:0"), Set.of("CPU"), attached::add,
                                                              true);
        assertEquals(Device.CPU, c.device());
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
