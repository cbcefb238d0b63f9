package dev.jvit.bench;

import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.cpu.CpuBackend;

/**
 * What the JMH parameters choose, applied in one place: the CPU kernel set ({@code simd}, the Vector API
 * kernels and packed GEMM the engine ships, or {@code scalar}, their plain-loop twins) and the thread count.
 * JMH runs each parameter combination in a fresh JVM, so setting these globals in a {@code @Setup} is safe.
 *
 * <p>CUDA benchmarks are separate methods whose names start with {@code cuda}; {@link JmhFilter} leaves them
 * out of a run when no GPU can be had, so they are absent rather than failing.
 */
public final class Variants {
    public static final Device CUDA = Device.cuda(0);

    private Variants() {}

    /** Installs the named CPU kernels ("simd" or "scalar") and the thread count. */
    public static void cpu(String kernels, int threads) {
        Backends.setCpu(switch (kernels) {
            case "simd" -> CpuBackend.simd();
            case "scalar" -> CpuBackend.scalar();
            default -> throw new IllegalArgumentException("kernels must be simd or scalar, got '" + kernels + "'");
        });
        Parallel.setThreads(threads);
    }

    /** The GPU, or a clear error naming why it cannot be used. */
    public static Device cuda() {
        String why = Backends.unavailableReason(CUDA);
        if (why != null) throw new IllegalStateException("CUDA benchmark on a machine without CUDA: " + why);
        return CUDA;
    }

    /**
     * Waits for the device to finish the work that produced x by reading one element back (GPU kernels are
     * queued; a timer that did not wait would measure the launch). Nothing to wait for on the CPU.
     */
    public static NDArray sync(NDArray x) {
        if (x.device().kind() != Device.Kind.CPU) x.get(new int[x.rank()]);
        return x;
    }
}
