package dev.jvit.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jvit.bench.MachineInfo;
import dev.jvit.bench.TrainStep;
import dev.jvit.bench.compare.CompareFormat;
import dev.jvit.bench.compare.CompareResults;
import dev.jvit.bench.compare.MemoryFigures;
import dev.jvit.bench.compare.PythonTorch;
import dev.jvit.bench.compare.StepServer;
import dev.jvit.bench.compare.WarmUp;
import dev.jvit.core.Device;
import dev.jvit.core.Parallel;
import dev.jvit.vit.model.Models;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench compare}: jvit beside PyTorch on the same machine in the same run (DESIGN "Performance
 * method": ratios, measured side by side). For each preset it builds the model on both sides, each in a
 * process of its own kept running as a server ({@link TrainStep} in a fresh child JVM, {@code bench
 * serve-train}; reference/vit_torch.py), warms both up, then alternates timed rounds of the same number of
 * steps, jvit first in even rounds and PyTorch first in odd ones, and prints the medians as images per second
 * with their ratio, then the peak memory of a step on both sides, each measured by its server. Once every
 * preset is done, SGEMM GFLOP/s per size, the same way: both sides as servers ({@code bench serve-gemm},
 * benchmarks/scripts/torch_matmul.py), alternating rounds, medians. Without PyTorch it says how to install it and prints jvit's figures alone.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time training steps and SGEMM in jvit and PyTorch, alternately, and print the ratios.")
final class CompareCommand implements Callable<Integer> {
    /** What --config all compares: the registry without the two big ViTs (minutes per step on a CPU). */
    static final List<String> ALL = Models.names().stream()
            .filter(n -> !n.equals("vit-s16") && !n.equals("vit-b16")).toList();
    /** The longest warm-up, as a multiple of the minimum: a side still getting faster is warmed up to this. */
    private static final int WARMUP_LIMIT = 3;
    /** SGEMM warm-up per side: the JIT compiles the micro-kernel within the first second or two. */
    private static final double GEMM_WARMUP_SECONDS = 3;
    /** Length of one timed SGEMM round: long enough to time, short enough for the sides to alternate often. */
    private static final double GEMM_ROUND_SECONDS = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", split = ",", defaultValue = "mnist-tiny,mnist-small",
            description = "Presets to train, comma separated; 'all' for every preset except vit-s16 and vit-b16 "
                    + "(too slow for a CPU comparison); 'none' for SGEMM only. Default: ${DEFAULT-VALUE}.")
    List<String> configs;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", description = "Threads on both sides (default: all cores).")
    Integer threads;

    @Option(names = "--batch", description = "Images per step (default: 128; 8 for vit-ti16).")
    Integer batch;

    @Option(names = "--steps", description = "Steps per timed round (default: enough for about --round-seconds on the slower side).")
    Integer steps;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per side; medians are printed. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps on each side first, at least... Default: ${DEFAULT-VALUE}.")
    int warmup;

    // 15 s, not less: timed second by second on 2 vCPUs, a mnist-small step at batch 128 went 474, 639, 667,
    // 638, 721, 678, 789 img/s over seconds 4 to 11 and held 760-860 after 12 s (C2 compiles the vector
    // kernels on the same two cores the workers use); a 5 s warm-up timed jvit at 320-565 img/s.
    @Option(names = "--warmup-seconds", defaultValue = "15",
            description = "...and at least this long (the JIT compiles for seconds; PyTorch gets the same), then on while "
                    + "a side still gets faster, up to three times as long. Default: ${DEFAULT-VALUE}; at most 3 for SGEMM.")
    double warmupSeconds;

    @Option(names = "--round-seconds", defaultValue = "3", description = "Target length of a round when --steps is not given. Default: ${DEFAULT-VALUE}.")
    double roundSeconds;

    @Option(names = "--gemm-sizes", split = ",", defaultValue = "128,256,512,1024,2048",
            description = "Square SGEMM sizes to compare (CPU only). Default: ${DEFAULT-VALUE}.")
    List<Integer> gemmSizes;

    @Option(names = "--no-gemm", description = "Skip the SGEMM comparison.")
    boolean noGemm;

    @Option(names = "--no-memory", description = "Skip the peak memory measurement.")
    boolean noMemory;

    @Option(names = "--python", description = "Python interpreter with PyTorch (default: $JVIT_PYTHON, else python3).")
    String python;

    @Option(names = "--omp-wait", defaultValue = "passive",
            description = "OMP_WAIT_POLICY for PyTorch: passive (threads sleep at barriers, fair on a shared machine) or active. Default: ${DEFAULT-VALUE}.")
    String ompWait;

    @Option(names = "--repo", defaultValue = ".", description = "Repository root (where reference/ and benchmarks/scripts/ are). Default: the current folder.")
    Path repo;

    @Option(names = "--json", description = "Also write the results as JSON here (read by 'bench report').")
    Path json;

    @Override
    public Integer call() throws IOException {
        List<String> models = models();
        if (rounds < 1) throw bad("--rounds must be >= 1, got " + rounds);
        if (warmup < 1) throw bad("--warmup must be >= 1, got " + warmup);
        if (steps != null && steps < 1) throw bad("--steps must be >= 1, got " + steps);
        if (batch != null && batch < 1) throw bad("--batch must be >= 1, got " + batch);
        if (threads != null && threads < 1) throw bad("--threads must be >= 1, got " + threads);
        if (!ompWait.equals("passive") && !ompWait.equals("active")) throw bad("--omp-wait must be passive or active, got '" + ompWait + "'");
        for (int n : gemmSizes) if (n < 1) throw bad("--gemm-sizes must be >= 1, got " + n);
        Device dev = DeviceOption.usable(spec, device);
        String torchDevice = dev.kind() == Device.Kind.CPU ? "cpu" : "cuda:" + dev.index();
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Parallel.setThreads(t);
        Path script = repo.resolve("reference/vit_torch.py"), gemmScript = repo.resolve("benchmarks/scripts/torch_matmul.py");

        PrintStream out = System.out;
        String date = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        MachineInfo machine = MachineInfo.read();
        out.println("machine: " + machine.summary() + "; " + machine.java());
        PythonTorch py = new PythonTorch(python(), t, ompWait);
        PythonTorch.Probe probe = py.probe();
        if (probe.ok()) {
            for (Path p : List.of(script, gemmScript)) {
                if (!Files.isRegularFile(p)) throw bad(p + " not found: run from the repository root or pass --repo");
            }
            out.printf(Locale.ROOT, "torch %s via %s, OMP_WAIT_POLICY=%s, OPENBLAS_NUM_THREADS=%d%n", probe.version(),
                    py.python(), ompWait, t);
        } else {
            out.println(CompareFormat.torchMissing(py.python(), probe.reason()));
        }
        out.flush();

        List<CompareResults.Train> trains = new ArrayList<>();
        List<CompareResults.Memory> memories = new ArrayList<>();
        for (String model : models) {
            trainOne(model, batchOf(model), torchDevice, t, probe.ok() ? py : null, script, trains, memories);
        }
        List<CompareResults.Gemm> gemms = new ArrayList<>();
        if (!noGemm && dev.kind() == Device.Kind.CPU) {
            for (int n : gemmSizes) gemms.add(gemmOne(n, t, probe.ok() ? py : null, gemmScript));
        }
        if (json != null) {
            String cmd = "./jvit bench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            CompareResults r = new CompareResults(date, cmd.strip(), machine, MachineInfo.currentLoadAverage(), torchDevice, t,
                    probe.ok() ? probe.version() : null, probe.ok() ? null : probe.reason(), ompWait, trains, gemms, memories);
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), r);
            out.println("results written to " + json);
        }
        return 0;
    }

    private int batchOf(String model) {
        return batch != null ? batch : TrainStep.defaultBatch(model);
    }

    /**
     * Warm-up and alternating timed rounds of one preset on both sides, each side a server process of its own
     * ({@link StepServer}: jvit's in a fresh child JVM, see {@link dev.jvit.bench.compare.TrainStepServer} for
     * why); then, unless --no-memory, the peak memory of a step, which each server measures in its own process
     * after its timed rounds (jvit's heap with {@link dev.jvit.bench.compare.HeapProbe}).
     */
    private void trainOne(String model, int b, String torchDevice, int t, PythonTorch py, Path script,
                          List<CompareResults.Train> trains, List<CompareResults.Memory> memories) throws IOException {
        PrintStream out = System.out;
        List<String> serve = List.of("serve-train", "--config", model, "--batch", Integer.toString(b),
                "--threads", Integer.toString(t), "--device", device, "--seed", "42");
        try (StepServer jvit = jvitServer(serve);
             StepServer torch = py == null ? null : py.trainServer(script, configJson(model), b, torchDevice)) {
            double jvitStep = warm(jvit, warmupSeconds, roundSeconds);
            double torchStep = torch == null ? 0 : warm(torch, warmupSeconds, roundSeconds);
            int n = steps != null ? steps
                    : (int) Math.max(1, Math.min(200, Math.round(roundSeconds / Math.max(jvitStep, torchStep))));
            List<Double> jr = new ArrayList<>(), tr = new ArrayList<>();
            alternate(jvit, torch, n, n * b, jr, tr);
            double jv = median(jr), tv = median(tr);
            out.println(CompareFormat.trainLine(model, device, t, jv, tv));
            out.flush();
            trains.add(new CompareResults.Train(model, b, n, jv, tr.isEmpty() ? null : tv, jr, tr));
            if (noMemory) return;

            Map<String, String> jm = jvit.memory();
            long torchRss = -1, torchBuild = -1, torchDev = -1;
            if (torch != null) {
                Map<String, String> m = torch.memory();
                torchRss = Long.parseLong(m.get("peak_rss_kb")) * 1024;
                torchBuild = Long.parseLong(torch.ready().get("rss_after_build_kb")) * 1024;
                if (m.containsKey("cuda_peak_bytes")) torchDev = Long.parseLong(m.get("cuda_peak_bytes"));
            }
            MemoryFigures f = new MemoryFigures(Long.parseLong(jm.get("heap_peak_bytes")), Long.parseLong(jm.get("live_bytes")),
                    Long.parseLong(jm.get("device_peak_bytes")), torchRss, torchBuild, torchDev);
            out.println(CompareFormat.memoryLine(model, device, b, f));
            out.flush();
            memories.add(new CompareResults.Memory(model, b, f));
        }
    }

    /**
     * SGEMM GFLOP/s of n x n operands, both sides as servers ({@code bench serve-gemm} in a fresh child JVM,
     * torch_matmul.py {@code serve}) timed in --rounds alternating rounds of about {@value #GEMM_ROUND_SECONDS} s,
     * the medians printed. Each side first warms up for {@value #GEMM_WARMUP_SECONDS} s (less if --warmup-seconds
     * says so), then on by {@link #warm}'s rule. Timed instead as one run of several seconds per side, one after
     * the other, the ratio at 1024 moved from 0.63 to 0.94 between two runs an hour apart on the shared build
     * machine, whose speed drifts over seconds to minutes: short alternating rounds put both sides under the
     * same drift.
     */
    private CompareResults.Gemm gemmOne(int n, int t, PythonTorch py, Path script) throws IOException {
        List<String> serve = List.of("serve-gemm", "--size", Integer.toString(n), "--threads", Integer.toString(t));
        try (StepServer jvit = jvitServer(serve); StepServer torch = py == null ? null : py.gemmServer(script, n)) {
            double seconds = Math.min(warmupSeconds, GEMM_WARMUP_SECONDS);
            double jvitProduct = warm(jvit, seconds, GEMM_ROUND_SECONDS);
            double torchProduct = torch == null ? 0 : warm(torch, seconds, GEMM_ROUND_SECONDS);
            int products = (int) Math.max(1, Math.min(1_000_000,
                    Math.round(GEMM_ROUND_SECONDS / Math.max(jvitProduct, torchProduct))));
            List<Double> jr = new ArrayList<>(), tr = new ArrayList<>();
            alternate(jvit, torch, products, 2.0 * n * n * n * products / 1e9, jr, tr);
            double jv = median(jr), tv = median(tr);
            System.out.println(CompareFormat.gemmLine(n, t, jv, tv));
            System.out.flush();
            return new CompareResults.Gemm(n, jv, tr.isEmpty() ? null : tv, products, jr, tr);
        }
    }

    /** jvit's side of one comparison: a bench serve-* command in a fresh child JVM. */
    private static StepServer jvitServer(List<String> serveArgs) throws IOException {
        return new StepServer(ChildJvm.bench(serveArgs).redirectError(ProcessBuilder.Redirect.INHERIT).start(), "jvit");
    }

    /**
     * --rounds timed rounds of n steps on each side, alternating which side goes first; each round's work
     * (images, or GFLOP) over its seconds is added to jvitRates and torchRates. torch may be null.
     */
    private void alternate(StepServer jvit, StepServer torch, int n, double workPerRound, List<Double> jvitRates,
                           List<Double> torchRates) throws IOException {
        for (int r = 0; r < rounds; r++) {
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (r % 2 == 0)) jvitRates.add(workPerRound / jvit.steps(n));
                else if (torch != null) torchRates.add(workPerRound / torch.steps(n));
            }
        }
    }

    /**
     * Warms a side up ({@link WarmUp}: at least --warmup steps and the given seconds, then windows of a round's
     * length while it still gets faster, for at most {@value #WARMUP_LIMIT} times the seconds); returns the
     * seconds per step of its last window.
     */
    private double warm(StepServer side, double seconds, double window) throws IOException {
        return WarmUp.run(side::steps, warmup, seconds, window, WARMUP_LIMIT * seconds);
    }

    /** The preset as reference/vit_torch.py reads it: the registry entry's reference description. */
    static String configJson(String model) throws IOException {
        return new ObjectMapper().writeValueAsString(Models.spec(model).referenceConfig(TrainStep.CLASSES));
    }

    private List<String> models() {
        List<String> out = new ArrayList<>();
        for (String c : configs) {
            String name = c.trim();
            if (name.equals("all")) out.addAll(ALL);
            else if (name.equals("none")) continue;
            else if (Models.names().contains(name)) out.add(name);
            else throw bad("unknown --config '" + name + "' (known: " + String.join(", ", Models.names()) + ", all, none)");
        }
        return out.stream().distinct().toList();
    }

    private String python() {
        if (python != null) return python;
        String env = System.getenv("JVIT_PYTHON");
        return env != null && !env.isBlank() ? env : "python3";
    }

    /** The median of a side's round figures; NaN when it ran none (no PyTorch). */
    private static double median(List<Double> xs) {
        return xs.isEmpty() ? Double.NaN : CompareFormat.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
