package dev.jvit.cuda;

import dev.jvit.cuda.memory.OutOfDeviceMemoryException;
import jcuda.CudaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One CUDA device as the backend uses it: the device's primary context (shared with the CUDA runtime, so
 * cuBLAS works in it too), one stream on which every kernel, copy and GEMM is queued in order, the loaded
 * kernel modules and the raw allocations. Exceptions were enabled once by {@link CudaAvailability}, so
 * every failing driver call throws a {@link CudaException} naming the error.
 *
 * <p>The driver API keeps a "current context" per thread; every entry point makes this context current on
 * the calling thread first (cheaply: a thread-local remembers it), so arrays can be created on a data loader
 * thread and used on the training thread.
 */
public final class CudaContext implements DeviceApi, AutoCloseable {
    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    private final int index;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final Map<String, CudaModule> modules = new HashMap<>();
    private final Map<Long, CUdeviceptr> allocations = new HashMap<>();
    private boolean closed;

    /** Opens device {@code index}; {@link CudaAvailability} must have said it is usable. */
    public CudaContext(int index) {
        this.index = index;
        JCudaDriver.cuDeviceGet(device, index);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        CURRENT.set(this);
        // a blocking stream: the synchronous host copies (on the legacy default stream) wait for its work
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT);
        byte[] buf = new byte[256];
        JCudaDriver.cuDeviceGetName(buf, buf.length, device);
        int len = 0;
        while (len < buf.length && buf[len] != 0) len++;
        this.name = new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    /** Makes this context current on the calling thread. */
    void makeCurrent() {
        if (CURRENT.get() != this) {
            JCudaDriver.cuCtxSetCurrent(context);
            CURRENT.set(this);
        }
    }

    int index() {
        return index;
    }

    CUstream stream() {
        return stream;
    }

    @Override
    public String deviceName() {
        return name;
    }

    // ---- memory -----------------------------------------------------------------------------------

    /** A CUdeviceptr that tells its address (the getter is protected in JCuda). */
    private static final class DeviceAddress extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    @Override
    public synchronized long allocate(long bytes) {
        makeCurrent();
        DeviceAddress p = new DeviceAddress();
        try {
            JCudaDriver.cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains("CUDA_ERROR_OUT_OF_MEMORY")) {
                throw new OutOfDeviceMemoryException("cuMemAlloc of " + bytes + " bytes failed on " + name);
            }
            throw e;
        }
        allocations.put(p.address(), p);
        return p.address();
    }

    @Override
    public synchronized void free(long address) {
        CUdeviceptr p = allocations.remove(address);
        if (p == null) throw new IllegalArgumentException("no allocation at device address " + address);
        makeCurrent();
        JCudaDriver.cuMemFree(p);
    }

    /** A JCuda pointer to the address of p, for driver copies and cuBLAS. */
    synchronized CUdeviceptr devicePointer(Ptr p) {
        CUdeviceptr base = allocations.get(p.storage().address());
        if (base == null) throw new IllegalStateException("storage at " + p.storage().address() + " is not allocated here");
        return base.withByteOffset(p.byteOffset());
    }

    @Override
    public void copyToDevice(Ptr dst, float[] src, int count) {
        if (count == 0) return;
        makeCurrent();
        JCudaDriver.cuMemcpyHtoD(devicePointer(dst), Pointer.to(src), 4L * count);
    }

    @Override
    public void copyToDevice(Ptr dst, int[] src, int count) {
        if (count == 0) return;
        makeCurrent();
        JCudaDriver.cuMemcpyHtoD(devicePointer(dst), Pointer.to(src), 4L * count);
    }

    @Override
    public void copyToHost(Ptr src, float[] dst, int count) {
        if (count == 0) return;
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), devicePointer(src), 4L * count);
    }

    @Override
    public void copyToHost(Ptr src, int[] dst, int count) {
        if (count == 0) return;
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), devicePointer(src), 4L * count);
    }

    // ---- kernels ----------------------------------------------------------------------------------

    @Override
    public void launch(String module, String kernel, Grid grid, Object... args) {
        makeCurrent();
        CudaModule.Kernel k = module(module).kernel(kernel);
        Ptx.check(kernel, k.params(), args);
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Integer v -> Pointer.to(new int[] {v});
                case Float v -> Pointer.to(new float[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case Ptr p -> Pointer.to(new long[] {p.address()});
                case int[] s -> Pointer.to(s);
                default -> throw new IllegalArgumentException("unsupported kernel argument " + args[i]);
            };
        }
        JCudaDriver.cuLaunchKernel(k.function(), grid.x(), grid.y(), grid.z(), grid.threads(), 1, 1,
                grid.sharedBytes(), stream, Pointer.to(params), null);
    }

    private synchronized CudaModule module(String name) {
        CudaModule m = modules.get(name);
        if (m == null) {
            m = new CudaModule(name);
            modules.put(name, m);
        }
        return m;
    }

    @Override
    public void synchronize() {
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    /** Waits for the stream, unloads the modules and releases the primary context. Allocations must be gone. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
        for (CudaModule m : modules.values()) m.close();
        modules.clear();
        for (CUdeviceptr p : allocations.values()) JCudaDriver.cuMemFree(p);
        allocations.clear();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
        CURRENT.remove();
    }
}
