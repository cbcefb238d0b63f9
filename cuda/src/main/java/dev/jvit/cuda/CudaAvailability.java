package dev.jvit.cuda;

import jcuda.driver.JCudaDriver;

import java.util.List;

/**
 * Whether CUDA can be used in this JVM, found out once: the driver binding must load (it needs the NVIDIA
 * driver's libcuda.so.1), {@code cuInit} must succeed, a device must exist, and the build must have
 * packaged the kernels. Every failure becomes one line; nothing is printed and no exception escapes, so
 * asking costs a machine without a GPU a fraction of a second and no noise.
 */
final class CudaAvailability {
    private static volatile Probe probe;

    private record Probe(String reason, int deviceCount) {}

    private CudaAvailability() {}

    /** Null when the device can be used, else why not. */
    static String unavailableReason(int deviceIndex) {
        Probe p = probe();
        if (p.reason != null) return p.reason;
        if (deviceIndex >= p.deviceCount) {
            return "no CUDA device " + deviceIndex + " (this machine has " + p.deviceCount + ")";
        }
        return null;
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (CudaAvailability.class) {
                p = probe;
                if (p == null) probe = p = run();
            }
        }
        return p;
    }

    private static Probe run() {
        int count;
        try {
            // JCudaDriver's static initialiser loads the native binding, which links against libcuda.so.1;
            // any Throwable here (UnsatisfiedLinkError, NoClassDefFoundError, CudaException) means no CUDA
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] n = new int[1];
            JCudaDriver.cuDeviceGetCount(n);
            count = n[0];
        } catch (Throwable t) {
            return new Probe(NativeErrors.describe(t), 0);
        }
        if (count == 0) return new Probe("no CUDA device", 0);
        List<String> missing = Ptx.missingModules();
        if (!missing.isEmpty()) {
            return new Probe(missing.size() == Ptx.MODULES.size()
                    ? "kernels were not compiled (nvcc was not on the PATH at build time)"
                    : "kernels missing from the build: " + String.join(", ", missing), count);
        }
        return new Probe(null, count);
    }
}
