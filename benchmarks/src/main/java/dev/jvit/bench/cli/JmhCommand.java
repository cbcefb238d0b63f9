package dev.jvit.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import jdk.incubator.vector.VectorShape;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench jmh [regex]}: runs the JMH benchmarks of this module through the Runner API. Forks get the
 * Vector API flags from the parent POM's {@code jvit.vector.args} (copied into bench.properties at build
 * time) and the results are written as JSON. GEMM results are also printed as GFLOP/s.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run the JMH suite (all benchmarks, or those matching a regex) and write JSON results.")
final class JmhCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", defaultValue = ".*", description = "Benchmark regex. Default: all.")
    String regex;

    @Option(names = {"-o", "--output"}, defaultValue = "bench-results/jmh.json", description = "JSON results file. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "-p", description = "Parameter override, name=v1,v2 (repeatable), e.g. -p size=512,1024.")
    Map<String, String> params = Map.of();

    @Option(names = "--forks", description = "Forks per benchmark (default: as annotated).")
    Integer forks;

    @Option(names = "--wi", description = "Warm-up iterations (default: as annotated).")
    Integer warmupIterations;

    @Option(names = "--i", description = "Measurement iterations (default: as annotated).")
    Integer iterations;

    @Option(names = "--time", description = "Seconds per iteration, warm-up and measurement (default: as annotated).")
    Integer seconds;

    @Override
    public Integer call() throws RunnerException, IOException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(regex)
                .jvmArgsAppend(vectorArgs())
                .resultFormat(ResultFormatType.JSON)
                .result(output.toString());
        for (var e : params.entrySet()) options.param(e.getKey(), e.getValue().split(","));
        if (!params.containsKey("bits")) {
            // only the vector widths this CPU has: a wider one would run in the Vector API's slow Java fallback
            int widest = VectorShape.preferredShape().vectorBitSize();
            List<String> bits = new ArrayList<>();
            for (int b : new int[] {256, 512}) if (b <= widest) bits.add(Integer.toString(b));
            if (!bits.isEmpty()) options.param("bits", bits.toArray(String[]::new));
        }
        dev.jvit.bench.JmhFilter.apply(options, System.out); // CUDA benchmarks only where a GPU is usable
        if (forks != null) options.forks(forks);
        if (warmupIterations != null) options.warmupIterations(warmupIterations);
        if (iterations != null) options.measurementIterations(iterations);
        if (seconds != null) {
            options.warmupTime(TimeValue.seconds(seconds));
            options.measurementTime(TimeValue.seconds(seconds));
        }
        if (output.toAbsolutePath().getParent() != null) Files.createDirectories(output.toAbsolutePath().getParent());
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            // JMH's own report is a bare stack trace; say what was matched and what names look like
            System.err.println("jvit: no JMH benchmark matches '" + regex + "'. Names look like "
                    + "dev.jvit.bench.AttentionBenchmark.forwardBackward (class, then method); the regex may match any "
                    + "part, e.g. 'AttentionBenchmark.forward' or 'TrainStep'.");
            return 2;
        }
        printGemmRates(results);
        System.out.println("JMH results written to " + output);
        return 0;
    }

    /** JMH scores GEMM in ms per product; the comparison with BLAS is in GFLOP/s. */
    private static void printGemmRates(Collection<RunResult> results) {
        for (RunResult r : results) {
            var p = r.getParams();
            if (!p.getBenchmark().contains("GemmBenchmark") || p.getParam("size") == null) continue;
            if (!"ms/op".equals(r.getPrimaryResult().getScoreUnit())) continue;
            double n = Double.parseDouble(p.getParam("size"));
            double gflops = 2 * n * n * n / (r.getPrimaryResult().getScore() / 1e3) / 1e9;
            StringBuilder label = new StringBuilder(p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1));
            for (String key : p.getParamsKeys()) label.append(' ').append(key).append('=').append(p.getParam(key));
            System.out.printf("%s: %.1f GFLOP/s%n", label, gflops);
        }
    }

    /** The JVM flags the forks need, from the build; split on whitespace as a command line would be. */
    static String[] vectorArgs() throws IOException {
        Properties props = new Properties();
        try (InputStream in = JmhCommand.class.getResourceAsStream("/dev/jvit/bench/bench.properties")) {
            if (in == null) throw new IllegalStateException("bench.properties is missing from the classpath: build the benchmarks module with Maven");
            props.load(in);
        }
        String args = props.getProperty("vector.args", "");
        if (args.isBlank() || args.contains("${")) {
            throw new IllegalStateException("bench.properties was not filtered by the build (vector.args='" + args + "')");
        }
        return args.trim().split("\\s+");
    }
}
