package dev.jvit.core.backend;

import dev.jvit.core.Device;
import dev.jvit.core.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the backend for a device. The CPU backend is built in; others (CUDA) arrive through
 * {@link ServiceLoader} as {@link BackendProvider}s, so {@code core} never depends on them.
 */
public final class Backends {
    private static final ConcurrentHashMap<Device, Backend> BY_DEVICE = new ConcurrentHashMap<>();
    private static volatile Backend cpu = CpuBackend.fromSystemProperties();
    private static volatile List<BackendProvider> providers;

    private Backends() {}

    public static Backend cpu() {
        return cpu;
    }

    /** Replaces the CPU backend, e.g. to force the scalar kernels in a test. Returns the previous one. */
    public static Backend setCpu(Backend backend) {
        Backend old = cpu;
        cpu = backend;
        return old;
    }

    public static Backend forDevice(Device device) {
        if (device.kind() == Device.Kind.CPU) return cpu;
        return BY_DEVICE.computeIfAbsent(device, Backends::load);
    }

    /** Whether a backend for this device can be had; {@link #unavailableReason} says why not. */
    public static boolean isAvailable(Device device) {
        return unavailableReason(device) == null;
    }

    /** Null when the device is usable, else a one-line reason. */
    public static String unavailableReason(Device device) {
        if (device.kind() == Device.Kind.CPU) return null;
        List<String> reasons = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (p.kind() != device.kind()) continue;
            String r = p.unavailableReason(device);
            if (r == null) return null;
            reasons.add(r);
        }
        return reasons.isEmpty() ? "no " + device.kind().name().toLowerCase() + " backend on the class path"
                : String.join("; ", reasons);
    }

    private static Backend load(Device device) {
        for (BackendProvider p : providers()) {
            if (p.kind() == device.kind() && p.unavailableReason(device) == null) return p.create(device);
        }
        throw new IllegalStateException("device " + device + " is unavailable: " + unavailableReason(device));
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> p = providers;
        if (p == null) {
            p = new ArrayList<>();
            for (BackendProvider bp : ServiceLoader.load(BackendProvider.class)) p.add(bp);
            providers = p;
        }
        return p;
    }
}
