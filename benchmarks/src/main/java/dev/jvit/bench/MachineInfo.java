package dev.jvit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark figure needs beside it to mean anything: the CPU, how many of its threads the JVM may
 * use, which vector extensions it has (AVX-512 or only AVX2 decides the GEMM's ceiling), the load average
 * (other work on a shared machine slows both sides) and the JVM. Read from /proc where Linux has it;
 * "unknown" elsewhere.
 */
public record MachineInfo(String cpu, int logicalCpus, String vectorExtensions, String loadAverage, String java,
                          String os) {

    public static MachineInfo read() {
        String model = "unknown", flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (model.equals("unknown") && line.startsWith("model name")) model = value(line);
                if (flags.isEmpty() && line.startsWith("flags")) flags = " " + value(line) + " ";
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the fields stay unknown
        }
        String ext;
        if (flags.isEmpty()) ext = "unknown";
        else if (flags.contains(" avx512f ")) ext = "AVX-512";
        else if (flags.contains(" avx2 ")) ext = "AVX2 (no AVX-512)";
        else ext = "no AVX2";
        return new MachineInfo(model, Runtime.getRuntime().availableProcessors(), ext, currentLoadAverage(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or the JVM's 1-minute figure. */
    public static String currentLoadAverage() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/loadavg"));
            String[] f = lines.get(0).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
        }
    }

    private static String value(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).trim();
    }

    /** One line: "AMD EPYC ..., 2 logical CPUs, AVX2 (no AVX-512), load average 5.2 4.3 4.4". */
    public String summary() {
        return cpu + ", " + logicalCpus + " logical CPUs, " + vectorExtensions + ", load average " + loadAverage;
    }
}
