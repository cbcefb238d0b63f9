package dev.jvit.vit.cli;

import dev.jvit.core.Device;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backends;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code jvit info}: what this JVM will compute with — kernels, threads, vector width, CUDA. */
@Command(name = "info", description = "Show the backends, kernels and threads this JVM will use.")
final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("java        " + Runtime.version());
        System.out.println("cpu backend " + Backends.cpu().name());
        System.out.println("threads     " + Parallel.threads());
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("vector api  " + (vector ? "present" : "missing (scalar kernels only)"));
        String cuda = Backends.unavailableReason(Device.cuda(0));
        System.out.println("cuda        " + (cuda == null ? "available" : "unavailable: " + cuda));
        return 0;
    }
}
