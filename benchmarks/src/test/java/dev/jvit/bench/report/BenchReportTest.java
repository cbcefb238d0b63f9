package dev.jvit.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.bench.MachineInfo;
import dev.jvit.bench.compare.CompareResults;
import dev.jvit.bench.compare.MemoryFigures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated page: the figures, ratios and target verdicts of a run, and the JMH table. */
class BenchReportTest {
    @TempDir
    Path dir;

    static CompareResults run() {
        MachineInfo m = new MachineInfo("AMD EPYC", 2, "AVX2 (no AVX-512)", "5.00 4.00 3.00", "OpenJDK 25", "Linux amd64");
        long mb = 1 << 20;
        return new CompareResults("2025-01-01T00:00:00Z", "./jvit bench compare --config all", m, "4.50 4.00 3.00", "cpu", 2,
                "1.13.0", null, "passive",
                List.of(new CompareResults.Train("mnist-tiny", 128, 10, 2400, 3200.0, List.of(2400.0), List.of(3200.0)),
                        new CompareResults.Train("mnist-small", 128, 2, 500, 200.0, List.of(500.0), List.of(200.0)),
                        new CompareResults.Train("vit-ti16", 8, 1, 4.25, null, List.of(4.25), List.of())),
                List.of(new CompareResults.Gemm(256, 50, 100.0, 100, List.of(50.0), List.of(100.0)),
                        new CompareResults.Gemm(512, 95, 100.0, 10, List.of(95.0), List.of(100.0)),
                        new CompareResults.Gemm(1024, 80, 100.0, 1, List.of(80.0), List.of(100.0))),
                List.of(new CompareResults.Memory("mnist-small", 128, new MemoryFigures(600 * mb, 120 * mb, -1, 545 * mb, 240 * mb, -1))));
    }

    @Test
    void tablesCarryFiguresRatiosAndVerdicts() {
        String md = BenchReport.render("benchmarks/scripts/report.sh", List.of(run()), "report/gemm.png", null, List.of(), null, "## Notes\n\nhand-written");
        assertTrue(md.contains("| mnist-tiny | 128 | 10 | 2400 | 3200 | 0.75 | ≥ 5.0×: **missed** |"), md);
        assertTrue(md.contains("| mnist-small | 128 | 2 | 500 | 200 | 2.50 | ≥ 2.0×: met |"), md);
        assertTrue(md.contains("| vit-ti16 | 8 | 1 | 4.25 | n/a | n/a |  |"), md);
        assertTrue(md.contains("| 256 | 50.0 | 100.0 | 0.50 |  |"), md);
        assertTrue(md.contains("| 512 | 95.0 | 100.0 | 0.95 | ≥ 0.9×: met |"), md);
        assertTrue(md.contains("| 1024 | 80.0 | 100.0 | 0.80 | ≥ 0.9×: **missed** |"), md);
        assertTrue(md.contains("| mnist-small | 128 | 600 MB | 120 MB | 545 MB | 240 MB | heap peak < 1 GB: met |"), md);
        assertTrue(md.contains("Machine: AMD EPYC, 2 logical CPUs, AVX2 (no AVX-512)"), md);
        assertTrue(md.contains("Load average (1, 5, 15 min) 5.00 4.00 3.00 at the start, 4.50 4.00 3.00 at the end"), md);
        assertTrue(md.contains("Command: `./jvit bench compare --config all`"), md);
        assertTrue(md.contains("![SGEMM GFLOP/s against size](report/gemm.png)"), md);
        assertFalse(md.contains("train.png"), md);
        assertTrue(md.strip().endsWith("hand-written"), md);
    }

    @Test
    void readsJmhResults() throws IOException {
        Path json = dir.resolve("jmh.json");
        Files.writeString(json, """
                [ { "benchmark" : "dev.jvit.bench.TrainStepBenchmark.step", "mode" : "thrpt",
                    "params" : { "model" : "mnist-tiny", "batch" : "0", "kernels" : "simd", "threads" : "2" },
                    "primaryMetric" : { "score" : 12.5, "scoreError" : 0.5, "scoreUnit" : "ops/s" },
                    "secondaryMetrics" : { "images" : { "score" : 1600.0, "scoreError" : "NaN", "scoreUnit" : "ops/s" } } },
                  { "benchmark" : "dev.jvit.bench.AutogradBenchmark.chainBackward", "mode" : "avgt",
                    "params" : { "length" : "100", "size" : "8" },
                    "primaryMetric" : { "score" : 41.25, "scoreError" : "NaN", "scoreUnit" : "us/op" },
                    "secondaryMetrics" : { } } ]
                """);
        List<JmhResults.Row> rows = JmhResults.read(json);
        assertEquals(2, rows.size());
        assertEquals("TrainStepBenchmark.step", rows.get(0).shortName());
        assertEquals(1600.0, rows.get(0).secondary().get("images"));
        assertTrue(Double.isNaN(rows.get(1).error()));
        String md = BenchReport.render("x", List.of(), null, null, rows, "./jvit bench jmh TrainStep", null);
        assertTrue(md.contains("| TrainStepBenchmark.step | model=mnist-tiny batch=0 kernels=simd threads=2 | 12.5 | ± 0.500 | ops/s | images 1600/s |"), md);
        assertTrue(md.contains("| AutogradBenchmark.chainBackward | length=100 size=8 | 41.3 |  | us/op |  |"), md);
    }
}
