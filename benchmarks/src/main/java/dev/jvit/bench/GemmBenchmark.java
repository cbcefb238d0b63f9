package dev.jvit.bench;

import dev.jvit.core.Parallel;
import dev.jvit.core.cpu.Gemm;
import dev.jvit.core.cpu.PackedGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square SGEMM, C = A*B with row-major n x n operands: the shipped {@link PackedGemm} at both vector widths
 * and thread counts, and the {@link dev.jvit.core.cpu.ScalarGemm} reference it replaces; and the skinny and
 * batched products of a small ViT ({@link Skinny}). Scores are milliseconds per product; GFLOP/s =
 * 2 m n k / time ({@code bench jmh} prints them after the run for the squares).
 *
 * <p>The two kernels are separate benchmark methods with their own parameters rather than one "kernel"
 * parameter, so that the reference is not run at 2048 (tens of seconds per product) nor once per vector
 * width and thread count it ignores. JMH runs every parameter combination in a fresh JVM, which is what
 * lets {@code bits} choose the micro-kernel's vector width: it is fixed once per JVM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBenchmark {

    /** n x n operands filled with fresh random values (never zeros: DESIGN point 7). */
    static class Operands {
        float[] a, b, c;

        void fill(int n) {
            SplittableRandom rnd = new SplittableRandom(n);
            a = new float[n * n];
            b = new float[n * n];
            c = new float[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextDouble() * 2 - 1);
                b[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Packed extends Operands {
        @Param({"128", "256", "512", "1024", "2048"})
        int size;
        @Param({"1", "2"})
        int threads;
        /** 256 or 512; a width wider than the CPU's fails that combination with a message and the run goes on. */
        @Param({"256", "512"})
        int bits;
        Gemm gemm;

        @Setup
        public void setup() {
            System.setProperty("jvit.gemm.bits", Integer.toString(bits));
            int actual = PackedGemm.vectorBits();
            if (actual != bits) {
                throw new IllegalStateException("micro-kernel already initialised with " + actual + "-bit vectors");
            }
            Parallel.setThreads(threads);
            gemm = new PackedGemm();
            fill(size);
        }
    }

    @State(Scope.Benchmark)
    public static class Scalar extends Operands {
        @Param({"128", "256", "512", "1024"})
        int size;
        Gemm gemm;

        @Setup
        public void setup() {
            gemm = GemmVariant.SCALAR.create();
            fill(size);
        }
    }

    /**
     * The skinny products of a small ViT training step (see {@code bench gemm-step}), shipped GEMM against the
     * one that always packs A. A shape is MxNxK with ":ta"/":tb" for a transposed A or B; a "512*" prefix
     * makes it a batch of that many separate matrices (attention heads), run as one sgemmBatch call.
     */
    @State(Scope.Benchmark)
    public static class Skinny {
        @Param({"6400x192x64:tb", "6400x64x192", "64x192x6400:ta", "512*50x50x16:tb", "512*50x16x50", "512*16x50x50:ta"})
        String shape;
        @Param({"packed", "pack-a"})
        String kernel;
        @Param({"1"})
        int threads;
        Gemm gemm;
        int count, m, n, k, ars, acs, brs, bcs;
        int[] aOffs, bOffs, cOffs;
        float[] a, b, c;

        @Setup
        public void setup() {
            Parallel.setThreads(threads);
            gemm = GemmVariant.parse(kernel).create();
            String[] parts = shape.split(":");
            String dims = parts[0];
            count = 1;
            if (dims.contains("*")) {
                count = Integer.parseInt(dims.substring(0, dims.indexOf('*')));
                dims = dims.substring(dims.indexOf('*') + 1);
            }
            String[] mnk = dims.split("x");
            m = Integer.parseInt(mnk[0]);
            n = Integer.parseInt(mnk[1]);
            k = Integer.parseInt(mnk[2]);
            boolean ta = shape.contains(":ta"), tb = shape.contains(":tb");
            ars = ta ? 1 : k;
            acs = ta ? m : 1;
            brs = tb ? 1 : n;
            bcs = tb ? k : 1;
            SplittableRandom rnd = new SplittableRandom(shape.hashCode());
            a = new float[count * m * k];
            b = new float[count * k * n];
            c = new float[count * m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) (rnd.nextDouble() * 2 - 1);
            aOffs = new int[count];
            bOffs = new int[count];
            cOffs = new int[count];
            for (int i = 0; i < count; i++) {
                aOffs[i] = i * m * k;
                bOffs[i] = i * k * n;
                cOffs[i] = i * m * n;
            }
        }
    }

    @Benchmark
    public float[] skinny(Skinny s) {
        if (s.count == 1) {
            s.gemm.sgemm(s.m, s.n, s.k, s.a, 0, s.ars, s.acs, s.b, 0, s.brs, s.bcs, s.c, 0, s.n, false);
        } else {
            s.gemm.sgemmBatch(s.count, s.m, s.n, s.k, s.a, s.aOffs, s.ars, s.acs, s.b, s.bOffs, s.brs, s.bcs,
                    s.c, s.cOffs, s.n, false);
        }
        return s.c;
    }

    @Benchmark
    public float[] packed(Packed s) {
        int n = s.size;
        s.gemm.sgemm(n, n, n, s.a, 0, n, 1, s.b, 0, n, 1, s.c, 0, n, false);
        return s.c;
    }

    @Benchmark
    public float[] scalar(Scalar s) {
        int n = s.size;
        s.gemm.sgemm(n, n, n, s.a, 0, n, 1, s.b, 0, n, 1, s.c, 0, n, false);
        return s.c;
    }
}
