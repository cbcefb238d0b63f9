package dev.jvit.cuda;

import dev.jvit.core.Device;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.BackendProvider;

/**
 * Makes the CUDA backend known to {@link dev.jvit.core.backend.Backends} through {@link java.util.ServiceLoader}
 * (META-INF/services), so {@code core} never depends on this module. Asking whether a device is usable
 * probes CUDA once per JVM and answers in one line; {@link #create} opens the device.
 */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public String unavailableReason(Device device) {
        return CudaAvailability.unavailableReason(device.index());
    }

    @Override
    public Backend create(Device device) {
        return CudaBackend.open(device);
    }
}
