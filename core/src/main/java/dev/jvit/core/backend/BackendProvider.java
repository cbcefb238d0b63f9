package dev.jvit.core.backend;

import dev.jvit.core.Device;

/** Service interface through which a backend outside {@code core} (CUDA) makes itself known. */
public interface BackendProvider {
    Device.Kind kind();

    /** Null when the device can be used, else a one-line reason (no driver, no GPU, no kernels, ...). */
    String unavailableReason(Device device);

    Backend create(Device device);
}
