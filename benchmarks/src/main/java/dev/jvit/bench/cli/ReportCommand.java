package dev.jvit.bench.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvit.bench.compare.CompareResults;
import dev.jvit.bench.report.BenchCharts;
import dev.jvit.bench.report.BenchReport;
import dev.jvit.bench.report.JmhResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench report}: BENCHMARKS.md and its two PNG plots from the JSON that {@code bench compare --json}
 * (and optionally {@code bench jmh -o}) wrote. Runs nothing itself; benchmarks/scripts/report.sh runs the
 * measurements and then this.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write BENCHMARKS.md and its plots from 'bench compare --json' (and 'bench jmh') results.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, description = "A 'bench compare --json' file (repeatable: one section each).")
    List<Path> inputs;

    @Option(names = "--jmh", description = "A 'bench jmh' JSON result file to tabulate (optional).")
    Path jmh;

    @Option(names = "--jmh-command", description = "The command that produced --jmh, shown above its table.")
    String jmhCommand;

    @Option(names = "--notes", description = "Markdown appended at the end (hand-written analysis), optional.")
    Path notes;

    @Option(names = "--output", defaultValue = "BENCHMARKS.md", description = "The page to write. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--plots", defaultValue = "benchmarks/report", description = "Folder for gemm.png and train.png. Default: ${DEFAULT-VALUE}.")
    Path plots;

    @Option(names = "--regenerate", defaultValue = "benchmarks/scripts/report.sh",
            description = "The command the page names for regenerating it. Default: ${DEFAULT-VALUE}.")
    String regenerate;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<CompareResults> runs = new ArrayList<>();
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) throw bad("--input " + p + " does not exist (write it with 'bench compare --json " + p + "')");
            try {
                runs.add(json.readValue(p.toFile(), CompareResults.class));
            } catch (IOException e) {
                throw bad("--input " + p + " is not a 'bench compare' result: " + e.getMessage());
            }
        }
        List<JmhResults.Row> jmhRows = List.of();
        if (jmh != null) {
            if (!Files.isRegularFile(jmh)) throw bad("--jmh " + jmh + " does not exist");
            jmhRows = JmhResults.read(jmh);
        }
        String notesText = notes == null ? null : Files.readString(notes, StandardCharsets.UTF_8);

        Path base = output.toAbsolutePath().getParent();
        Path gemmPng = plots.resolve("gemm.png"), trainPng = plots.resolve("train.png");
        String gemmRef = BenchCharts.gemm(runs, gemmPng) ? relative(base, gemmPng) : null;
        String trainRef = BenchCharts.training(runs, trainPng) ? relative(base, trainPng) : null;
        String page = BenchReport.render(regenerate, runs, gemmRef, trainRef, jmhRows, jmhCommand, notesText);
        if (base != null) Files.createDirectories(base);
        Files.writeString(output, page, StandardCharsets.UTF_8);
        System.out.println("wrote " + output + (gemmRef != null ? ", " + gemmPng : "") + (trainRef != null ? ", " + trainPng : ""));
        return 0;
    }

    /** The plot's path as the page links it: relative to the page's folder, with forward slashes. */
    private static String relative(Path base, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return (base == null ? abs : base.normalize().relativize(abs)).toString().replace('\\', '/');
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
