package dev.jvit.vit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jvit} command line. Each subcommand is a class of its own in this package; the {@code ./jvit}
 * launcher at the repository root starts this class with the JVM flags the engine needs
 * ({@code ./jvit bench ...} goes to the benchmarks module instead).
 */
@Command(name = "jvit", mixinStandardHelpOptions = true, version = "jvit 0.1.0",
        description = "A tensor and autograd engine in Java, with Vision Transformers on top.",
        subcommands = {InfoCommand.class, DataCommand.class, TrainCommand.class, EvalCommand.class,
                PredictCommand.class, InferCommand.class, AttentionCommand.class, PosEmbedCommand.class})
public final class JvitCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new JvitCli())
                .setExecutionExceptionHandler(JvitCli::reportError)
                .execute(args);
    }

    /**
     * Bad input (a wrong option value, a missing or corrupt dataset or checkpoint) is reported in one line;
     * only a bug in jvit itself shows a stack trace.
     */
    private static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException
                || e instanceof IllegalStateException || e instanceof IndexOutOfBoundsException) {
            cmd.getErr().println("jvit " + cmd.getCommandName() + ": " + e.getMessage());
            return 1;
        }
        throw new RuntimeException(e);
    }
}
