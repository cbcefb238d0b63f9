package dev.jvit.cuda;

import jcuda.CudaException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** JCuda's loader errors, as they really read, reduced to one line. */
class NativeErrorsTest {

    /** The message JCuda 12.6 builds when libcuda.so.1 is missing (abridged stack frames). */
    private static final String NO_DRIVER = """
            Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
            Operating system name: Linux
            Architecture         : amd64
            Architecture bit size: 64
            ---(start of nested stack traces)---
            Stack trace from the attempt to load the library as a file:
            java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
            \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)
            Stack trace from the attempt to load the library as a resource:
            java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory
            \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
            ---(end of nested stack traces)---
            """;

    @Test
    void missingDriverLibrary() {
        assertEquals("no NVIDIA driver (libcuda.so.1 not found)", NativeErrors.describe(new UnsatisfiedLinkError(NO_DRIVER)));
    }

    @Test
    void missingCublas() {
        String msg = NO_DRIVER.replace("JCudaDriver", "JCublas2").replace("libcuda.so.1", "libcublas.so.12");
        assertEquals("libcublas.so.12 not found", NativeErrors.describe(new UnsatisfiedLinkError(msg)));
    }

    @Test
    void cudaErrors() {
        assertEquals("no CUDA device", NativeErrors.describe(new CudaException("CUDA_ERROR_NO_DEVICE")));
        assertEquals("CUDA could not start (CUDA_ERROR_UNKNOWN)", NativeErrors.describe(new CudaException("CUDA_ERROR_UNKNOWN")));
        assertEquals("the NVIDIA driver is older than JCuda 12.6 needs (CUDA_ERROR_INSUFFICIENT_DRIVER)",
                NativeErrors.describe(new CudaException("CUDA_ERROR_INSUFFICIENT_DRIVER")));
    }

    @Test
    void anythingElseIsItsFirstLine() {
        assertEquals("NoClassDefFoundError: jcuda/driver/JCudaDriver",
                NativeErrors.describe(new NoClassDefFoundError("jcuda/driver/JCudaDriver\nmore")));
        assertEquals("IllegalStateException", NativeErrors.describe(new IllegalStateException()));
    }

    /** Where cuBLAS 12 is absent (this build machine, or a CUDA 13 server), loading JCublas2 gives that line. */
    @Test
    void realJcublasLoadFailureIsOneLine() {
        String line;
        try {
            jcuda.jcublas.JCublas2.setExceptionsEnabled(true);
            return; // cuBLAS 12 loads here: nothing to check
        } catch (Throwable t) {
            line = NativeErrors.describe(t);
        }
        org.junit.jupiter.api.Assertions.assertFalse(line.contains("\n"), line);
        org.junit.jupiter.api.Assertions.assertTrue(line.endsWith("not found") || line.startsWith("NoClassDefFoundError"), line);
    }
}
