package dev.jvit.bench.cli;

import dev.jvit.bench.TrainStep;
import dev.jvit.bench.compare.TrainStepServer;
import dev.jvit.core.Device;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backends;
import dev.jvit.cuda.CudaBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench serve-train}: one preset's training step served on stdin and stdout ({@link TrainStepServer}),
 * which is how {@code bench compare} times jvit in a JVM of its own per preset. Hidden from the help: it is
 * a protocol endpoint, not a benchmark to run by hand. Only the protocol's lines go to stdout; anything else
 * printed while the model is built goes to stderr.
 */
@Command(name = "serve-train", hidden = true,
        description = "Serve timed training steps of one preset (bench compare's jvit side).")
final class ServeTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "The preset.")
    String config;

    @Option(names = "--batch", required = true, description = "Images per step.")
    int batch;

    @Option(names = "--threads", required = true, description = "Worker threads.")
    int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N]. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights and the batch. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) throw bad("--batch must be >= 1, got " + batch);
        if (threads < 1) throw bad("--threads must be >= 1, got " + threads);
        Device dev = DeviceOption.usable(spec, device);
        PrintStream protocol = System.out;
        System.setOut(System.err);
        try {
            Parallel.setThreads(threads);
            TrainStep step;
            try {
                step = new TrainStep(config, batch, dev, seed);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            LongSupplier devicePeak = Backends.forDevice(dev) instanceof CudaBackend cb ? () -> cb.allocator().peakBytes() : () -> -1;
            TrainStepServer.serve(step, devicePeak, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), protocol);
        } finally {
            System.setOut(protocol);
        }
        return 0;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
