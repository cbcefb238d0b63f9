package dev.jvit.vit.cli;

import dev.jvit.vit.data.DataCache;
import dev.jvit.vit.data.MnistFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jvit data fetch mnist}: puts a verified dataset into the cache folder. */
@Command(name = "data", description = "Manage datasets.", subcommands = {DataCommand.Fetch.class})
final class DataCommand {

    @Command(name = "fetch", description = "Fetch a dataset into the cache and verify it (SHA-256).")
    static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", description = "Dataset: mnist.")
        String dataset;

        @Option(names = "--from", description = "A folder that already holds the files (raw or .gz).")
        Path from;

        @Option(names = "--cache-dir", description = "Cache folder (default: $JVIT_CACHE or ~/.cache/jvit).")
        Path cacheDir;

        @Override
        public Integer call() throws Exception {
            if (!dataset.equalsIgnoreCase("mnist")) {
                System.err.println("jvit data fetch: unknown dataset '" + dataset + "' (known: mnist)");
                return 2;
            }
            Path root = cacheDir != null ? cacheDir : DataCache.defaultRoot();
            Path dir = new MnistFetcher(System.err).fetch(root.resolve("mnist"), from);
            System.out.println("MNIST is ready in " + dir);
            return 0;
        }
    }
}
