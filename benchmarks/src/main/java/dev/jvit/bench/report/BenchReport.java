package dev.jvit.bench.report;

import dev.jvit.bench.compare.CompareFormat;
import dev.jvit.bench.compare.CompareResults;
import dev.jvit.bench.compare.MemoryFigures;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * BENCHMARKS.md from the JSON of one or more {@code bench compare} runs (and optionally a JMH result file):
 * per run, a table per benchmark (training throughput, peak memory, SGEMM), each headed by the machine, date
 * and command that produced it, with jvit's figure, PyTorch's, their ratio and the project's target for it;
 * then the plots, the JMH table and the hand-written notes. Everything here is derived from the files, so
 * the page is regenerated, never edited.
 */
public final class BenchReport {
    /** The CPU targets: jvit/PyTorch training throughput at the same thread count. */
    static final Map<String, Double> TRAIN_TARGETS = Map.of("mnist-small", 2.0, "mnist-tiny", 5.0);
    static final double GEMM_TARGET = 0.9;
    static final int GEMM_TARGET_FROM = 512;
    static final String HEAP_TARGET_MODEL = "mnist-small";
    static final int HEAP_TARGET_BATCH = 128;
    static final long HEAP_TARGET_BYTES = 1_000_000_000L;

    private BenchReport() {}

    /**
     * The whole page. plots are paths relative to the page (null when not drawn), jmh may be empty, notes is
     * markdown appended as is (may be null).
     */
    public static String render(String regenerate, List<CompareResults> runs, String gemmPlot, String trainPlot,
                                List<JmhResults.Row> jmh, String jmhCommand, String notes) {
        StringBuilder md = new StringBuilder();
        md.append("# jvit benchmarks\n\n");
        md.append("jvit beside PyTorch on the same machine, measured in one run with the two sides alternating (see "
                + "\"How\" below). This page is generated: regenerate it with\n\n```sh\n").append(regenerate)
                .append("\n```\n\n");
        md.append("Ratios are jvit / PyTorch (above 1: jvit is faster). A target column shows the project's target for that row "
                + "and whether the measurement meets it.\n\n");
        for (CompareResults run : runs) run(md, run);
        if (gemmPlot != null || trainPlot != null) {
            md.append("## Plots\n\n");
            if (trainPlot != null) md.append("![Training images per second per preset](").append(trainPlot).append(")\n\n");
            if (gemmPlot != null) md.append("![SGEMM GFLOP/s against size](").append(gemmPlot).append(")\n\n");
        }
        if (!jmh.isEmpty()) jmh(md, jmh, jmhCommand);
        md.append(HOW);
        if (notes != null && !notes.isBlank()) md.append("\n").append(notes.strip()).append("\n");
        return md.toString();
    }

    private static void run(StringBuilder md, CompareResults r) {
        md.append(String.format(Locale.ROOT, "## %s, %d thread%s\n\n", r.device().toUpperCase(Locale.ROOT), r.threads(),
                r.threads() == 1 ? "" : "s"));
        String torch = r.torchVersion() != null
                ? "PyTorch " + r.torchVersion() + " (OMP_WAIT_POLICY=" + r.ompWaitPolicy() + ", " + r.threads() + " thread"
                        + (r.threads() == 1 ? "" : "s") + ")"
                : "PyTorch not available (" + r.torchMissing() + ")";
        String header = String.format(Locale.ROOT,
                "Machine: %s, %d logical CPUs, %s; %s. Date: %s. Load average (1, 5, 15 min) %s at the start, %s at the end. %s. Command: `%s`\n\n",
                r.machine().cpu(), r.machine().logicalCpus(), r.machine().vectorExtensions(), r.machine().java(), r.date(),
                r.machine().loadAverage(), r.loadAfter(), torch, r.command());

        if (!r.train().isEmpty()) {
            md.append("### Training step throughput (images/s)\n\n").append(header);
            md.append("| preset | batch | steps per round | jvit img/s | PyTorch img/s | ratio | target |\n");
            md.append("|---|---:|---:|---:|---:|---:|---|\n");
            for (CompareResults.Train t : r.train()) {
                Double target = r.device().equals("cpu") ? TRAIN_TARGETS.get(t.config()) : null;
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |\n", t.config(), t.batch(),
                        t.stepsPerRound(), rate(t.jvit()), t.torch() == null ? "n/a" : rate(t.torch()),
                        ratio(t.jvit(), t.torch()), target(t.jvit(), t.torch(), target)));
            }
            md.append("\n");
        }
        if (!r.memory().isEmpty()) {
            md.append("### Peak memory during training\n\n").append(header);
            md.append("| preset | batch | jvit heap peak | jvit heap live after forward | PyTorch peak RSS | PyTorch RSS after build | target |\n");
            md.append("|---|---:|---:|---:|---:|---:|---|\n");
            for (CompareResults.Memory m : r.memory()) {
                MemoryFigures f = m.figures();
                String target = m.config().equals(HEAP_TARGET_MODEL) && m.batch() == HEAP_TARGET_BATCH
                        ? "heap peak < 1 GB: " + (f.jvitHeapPeakBytes() < HEAP_TARGET_BYTES ? "met" : "**missed**") : "";
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |\n", m.config(), m.batch(),
                        CompareFormat.mb(f.jvitHeapPeakBytes()), CompareFormat.mb(f.jvitLiveBytes()),
                        CompareFormat.mb(f.torchPeakRssBytes()), CompareFormat.mb(f.torchRssAfterBuildBytes()), target));
                if (f.jvitDevicePeakBytes() >= 0 || f.torchDevicePeakBytes() >= 0) {
                    md.append(String.format(Locale.ROOT, "| %s (device) | %d | %s | | %s | | |\n", m.config(), m.batch(),
                            CompareFormat.mb(f.jvitDevicePeakBytes()), CompareFormat.mb(f.torchDevicePeakBytes())));
                }
            }
            md.append("\n");
        }
        if (!r.gemm().isEmpty()) {
            md.append("### SGEMM (GFLOP/s, n x n times n x n)\n\n").append(header);
            md.append("| n | jvit GFLOP/s | PyTorch GFLOP/s | ratio | target |\n|---:|---:|---:|---:|---|\n");
            for (CompareResults.Gemm g : r.gemm()) {
                Double target = g.size() >= GEMM_TARGET_FROM ? GEMM_TARGET : null;
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %s | %s | %s |\n", g.size(), g.jvit(),
                        g.torch() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", g.torch()), ratio(g.jvit(), g.torch()),
                        target(g.jvit(), g.torch(), target)));
            }
            md.append("\n");
        }
    }

    private static void jmh(StringBuilder md, List<JmhResults.Row> rows, String command) {
        md.append("## JMH suite (jvit only)\n\n");
        if (command != null) md.append("Command: `").append(command).append("`\n\n");
        md.append("| benchmark | parameters | score | error | unit | secondary |\n|---|---|---:|---:|---|---|\n");
        for (JmhResults.Row r : rows) {
            String params = r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            String secondary = r.secondary().entrySet().stream()
                    .map(e -> e.getKey() + " " + number(e.getValue()) + (r.unit().endsWith("/s") ? "/s" : ""))
                    .collect(Collectors.joining(", "));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |\n", r.shortName(), params,
                    number(r.score()), Double.isNaN(r.error()) ? "" : "± " + number(r.error()), r.unit(), secondary));
        }
        md.append("\n");
    }

    static String target(double jvit, Double torch, Double target) {
        if (target == null) return "";
        String t = String.format(Locale.ROOT, "≥ %.1f×", target);
        if (torch == null) return t + ": no PyTorch figure";
        return t + ": " + (jvit / torch >= target ? "met" : "**missed**");
    }

    private static String ratio(double jvit, Double torch) {
        return torch == null ? "n/a" : CompareFormat.ratio(jvit, torch);
    }

    private static String rate(double imagesPerSecond) {
        return imagesPerSecond >= 100 ? String.format(Locale.ROOT, "%.0f", imagesPerSecond)
                : String.format(Locale.ROOT, "%.3g", imagesPerSecond);
    }

    private static String number(double x) {
        if (Double.isNaN(x)) return "n/a";
        double a = Math.abs(x);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", x);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", x);
        return String.format(Locale.ROOT, "%.3g", x);
    }

    private static final String HOW = """
            ## How

            - **Training step**: forward, cross-entropy, zero_grad, backward, AdamW (lr 1e-3, weight decay 0.05 on matrices
              only), and `loss.item()`, on one random batch drawn once (standard normal images, labels uniform in [0, 10)).
              jvit: `benchmarks/src/main/java/dev/jvit/bench/TrainStep.java`; PyTorch: `reference/vit_torch.py`, the same
              presets with timm's parameter names and jvit's initialisation (PyTorch's default Linear/Conv2d init,
              trunc_normal(0.02) for the class token and a learned position embedding, sin-cos tables as buffers),
              dropout active where the preset has it. Both sides run as server processes driven by the Java harness,
              one pair per preset (jvit's in a fresh JVM, `bench serve-train`, so no preset runs in the JIT state another
              left; PyTorch's `reference/vit_torch.py --serve`), so the two sides alternate: each warms up (at least 3
              steps and 15 s by default, then on in 3 s windows until two in a row are no more than 3% faster than the
              best before them, at most 45 s: the same rule for both), then in each of 5 rounds both run the same number
              of steps (enough for about 3 s on the slower side), jvit first in even rounds and PyTorch first in odd
              ones; the tables give the medians.
            - **Threads**: jvit `Parallel.setThreads(T)`; PyTorch `torch.set_num_threads(T)` with `OPENBLAS_NUM_THREADS`,
              `OMP_NUM_THREADS` = T and `OPENBLAS_CORETYPE` / `OPENBLAS_L2_SIZE` removed from its environment so OpenBLAS
              picks its own kernel. `OMP_WAIT_POLICY=passive` by default: on this shared 2-vCPU machine PyTorch's
              OpenMP threads spinning at barriers (the active policy) made its 2-thread steps 10 to 20 times slower than
              its 1-thread ones, which would flatter jvit; `--omp-wait active` restores PyTorch's default.
            - **Memory**: measured by each side's server after its timed rounds. jvit's heap peak is the most heap in use
              at one moment while training goes on for 10 s more (no `System.gc()` first, so the old generation holds
              what a long run leaves there): the largest "before" usage the collections report (the heap only grows
              between collections) or heap in use after a step, garbage not yet collected included, so it depends on
              how far the collector lets the heap grow (a smaller `-Xmx` lowers it). Steps run in a `StepArena` cycle,
              as in `./jvit train`, so the arrays one step keeps for the next are in it. "Live after forward" is the
              heap in use after a `System.gc()` taken while a step's forward graph is alive (model, AdamW state,
              batch, saved activations, and the arena's other arrays). PyTorch's figure is its
              process's peak resident set (VmHWM; the interpreter and libraries included, about 230 MB before any step,
              given as "RSS after build"). `ru_maxrss` is not used: Linux carries it across exec, so a Python started
              by the JVM reports the JVM's size there.
            - **SGEMM**: jvit's packed Vector API GEMM (`bench serve-gemm`, a fresh JVM per size) against
              `benchmarks/scripts/torch_matmul.py` (`torch.matmul` into a preallocated output), both as servers like the
              training steps: at least 3 s of warm-up each (then 1 s windows by the same rule, at most 9 s), then the
              rounds alternate (about 1 s each, 5 by default) and the medians are compared. `./jvit bench gemm --size n --threads T` is the same kernel timed on its own.
            - The machines these run on are shared with other builds: the load average beside each table says how busy
              the machine was. Figures on a loaded machine vary by tens of percent from run to run; the ratios, measured
              side by side, vary less.
            """;
}
