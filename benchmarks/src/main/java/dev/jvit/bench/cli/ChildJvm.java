package dev.jvit.bench.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code bench} subcommand in a child JVM started with this JVM's java, flags (the Vector API module among
 * them) and class path: how {@code bench compare} times jvit in a fresh JVM, the GEMM and each training preset.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** The process builder for {@code bench ARGS} in a child JVM; nothing is redirected. */
    static ProcessBuilder bench(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchCommand.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }
}
