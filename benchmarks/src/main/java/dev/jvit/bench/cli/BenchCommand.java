package dev.jvit.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./jvit bench ...}: quick timers that print one line per measurement, and {@code jmh}, which runs
 * the JMH suite. Each subcommand is a class of its own in this package; a new benchmark adds its class to
 * the list below.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "jvit bench 0.1.0",
        description = "jvit benchmarks: quick timers and the JMH suite.",
        subcommands = {GemmCommand.class, GemmStepCommand.class, JmhCommand.class, CompareCommand.class, ReportCommand.class,
                ServeTrainCommand.class, ServeGemmCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new BenchCommand()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: "
                + String.join(", ", spec.subcommands().entrySet().stream()
                        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(e -> e.getKey()).toList()));
    }
}
