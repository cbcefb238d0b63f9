package dev.jvit.cuda;

import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loaded PTX module (one .cu file): {@code cuModuleLoadData} once, then each kernel looked up by name
 * once and cached with its parameter list. The driver JIT-compiles the PTX for the GPU at hand when the
 * module loads.
 */
final class CudaModule implements AutoCloseable {
    private static final AtomicBoolean ISA_NOTE = new AtomicBoolean();

    /** A kernel and the parameters its PTX declares. */
    record Kernel(CUfunction function, List<Ptx.Param> params) {}

    private final String name;
    private final CUmodule module = new CUmodule();
    private final Map<String, List<Ptx.Param>> signatures;
    private final Map<String, Kernel> kernels = new HashMap<>();

    /** Loads module {@code name}; the caller's thread must have the context current. */
    CudaModule(String name) {
        this.name = name;
        String ptx = Ptx.source(name);
        if (ptx == null) throw new IllegalStateException("the PTX of kernel module " + name + " is not packaged");
        this.signatures = Ptx.signatures(ptx);
        try {
            JCudaDriver.cuModuleLoadData(module, nulTerminated(ptx));
        } catch (CudaException e) {
            if (!String.valueOf(e.getMessage()).contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION")) throw e;
            loadForOlderDriver(ptx);
        }
    }

    /**
     * The driver predates the nvcc that wrote the PTX. Declaring the ISA version the driver knows is enough
     * for these kernels; said once.
     */
    private void loadForOlderDriver(String ptx) {
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        String isa = Ptx.maxIsaForDriver(v[0]);
        String built = Ptx.isaVersion(ptx);
        if (isa == null) {
            throw new IllegalStateException("the NVIDIA driver (CUDA " + v[0] / 1000 + "." + v[0] % 1000 / 10
                    + ") cannot load PTX ISA " + built + "; update the driver or build with an older nvcc");
        }
        if (ISA_NOTE.compareAndSet(false, true)) {
            System.err.println("jvit: the NVIDIA driver accepts PTX ISA up to " + isa + "; loading kernels built as "
                    + built + " as " + isa);
        }
        JCudaDriver.cuModuleLoadData(module, nulTerminated(Ptx.withIsaVersion(ptx, isa)));
    }

    private static byte[] nulTerminated(String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[text.length + 1];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }

    /** The kernel of that name; looked up in the module the first time only. */
    synchronized Kernel kernel(String kernel) {
        Kernel k = kernels.get(kernel);
        if (k == null) {
            List<Ptx.Param> params = signatures.get(kernel);
            if (params == null) throw new IllegalArgumentException("module " + name + " has no kernel " + kernel);
            CUfunction f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, module, kernel);
            k = new Kernel(f, params);
            kernels.put(kernel, k);
        }
        return k;
    }

    @Override
    public void close() {
        JCudaDriver.cuModuleUnload(module);
    }
}
