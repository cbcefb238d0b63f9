package dev.jvit.cuda;

import dev.jvit.core.Device;
import dev.jvit.core.backend.Backends;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The CUDA backend's answer to "can I use cuda:0?" on any machine: one line, no stack trace, no noise, and
 * (where there is no GPU) a clear refusal instead of a crash.
 */
class AvailabilityTest {

    /**
     * A fresh JVM, so this test sees the first and only probe: whatever JCuda does while failing to load
     * must not reach stdout or stderr; stdout is exactly the one-line verdict.
     */
    @Test
    void probeInAFreshJvmPrintsOneLineAndNoStackTrace() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // scalar CPU kernels: the child needs no incubator module (whose start-up warning would go to stderr)
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djvit.cpu.kernels=scalar",
                "-cp", System.getProperty("java.class.path"), ProbeMain.class.getName());
        Process p = pb.start();
        String out = read(p.getInputStream()), err = read(p.getErrorStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        assertEquals(0, p.exitValue(), "probe failed: " + out + err);
        List<String> lines = out.lines().toList();
        assertEquals(1, lines.size(), "expected one line, got: " + out);
        assertFalse(lines.get(0).isBlank());
        assertEquals("", err.strip(), "the probe wrote to stderr");
        String verdict = lines.get(0);
        assertTrue(verdict.equals("available") || knownReason(verdict), "unexpected verdict: " + verdict);
    }

    private static boolean knownReason(String r) {
        return r.startsWith("no NVIDIA driver (") || r.equals("no CUDA device")
                || r.startsWith("kernels were not compiled") || r.startsWith("kernels missing")
                || r.startsWith("the NVIDIA driver is older") || r.startsWith("CUDA could not start");
    }

    private static String read(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unavailableDeviceGivesAOneLineReasonAndAClearError() {
        Device cuda = Device.cuda(0);
        assumeFalse(Backends.isAvailable(cuda), "this machine has a usable GPU");
        String reason = Backends.unavailableReason(cuda);
        assertNotNull(reason);
        assertTrue(knownReason(reason), reason);
        assertFalse(reason.contains("\n"), reason);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(cuda));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** On this machine class (nvcc, no driver) the reason is the driver's. */
    @Test
    void withoutADriverTheReasonNamesLibcuda() {
        assumeFalse(Backends.isAvailable(Device.cuda(0)));
        assumeFalse(libcudaPresent(), "libcuda.so.1 is installed here");
        assertEquals("no NVIDIA driver (libcuda.so.1 not found)", Backends.unavailableReason(Device.cuda(0)));
    }

    private static boolean libcudaPresent() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/local/cuda/compat", "/usr/lib/wsl/lib")) {
            if (new File(dir, "libcuda.so.1").exists()) return true;
        }
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String dir : ld.split(":")) if (!dir.isEmpty() && new File(dir, "libcuda.so.1").exists()) return true;
        }
        return false;
    }

    @Test
    void aDeviceIndexBeyondTheMachineIsRefused() {
        String reason = Backends.unavailableReason(Device.cuda(99));
        assertNotNull(reason);
        assertFalse(reason.contains("\n"));
    }
}
