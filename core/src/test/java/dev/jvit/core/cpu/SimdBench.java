package dev.jvit.core.cpu;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;
import java.util.Random;

/**
 * A JMH-free side-by-side timing of the row kernels: SimdKernels against ScalarKernels on rows of 64 and
 * 4096 floats (about 256 KiB of input per pass, so it stays in L2), plus the JDK's own
 * {@code lanewise(VectorOperators.EXP)} against the polynomial exp of {@link SimdMath}. Not a test: run it
 * with the test classpath, e.g.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *        [-Djvit.simd.bits=256] dev.jvit.core.cpu.SimdBench [kernel-name-filter]
 * </pre>
 * It prints ns per element (best of several timed passes after warm-up) and the scalar/SIMD ratio. With a
 * filter (e.g. {@code softmax}) only the matching kernels run: one kernel per JVM keeps one kernel's
 * profile from deoptimising another's code, so the figures are steadier. Figures are for comparing kernels
 * in one run on one machine, never thresholds.
 */
public final class SimdBench {

    private interface RowKernel {
        void run(float[] x, int off, float[] out, int n);
    }

    private static final int TOTAL = 1 << 16;
    private static volatile float sink;

    private SimdBench() {}

    private static String filter = "";

    public static void main(String[] args) {
        filter = args.length > 0 ? args[0] : "";
        System.out.printf(Locale.ROOT, "species %d-bit (preferred %d-bit), %s%n", SimdKernels.vectorBits(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), System.getProperty("java.vm.version"));
        System.out.printf(Locale.ROOT, "%-22s %6s %12s %12s %8s%n", "kernel", "n", "scalar ns/el", "simd ns/el", "ratio");
        CpuKernels scalar = new ScalarKernels();
        CpuKernels simd = new SimdKernels();
        float[] w = gaussian(4096, 1, 3);
        float[] b = gaussian(4096, 1, 4);
        float[] mean = new float[TOTAL];
        float[] rstd = new float[TOTAL];
        for (int n : new int[] {64, 4096}) {
            compare("exp", n, (k, x, o, out, m) -> k.unary(UnaryOp.EXP, x, o, 1, out, o, m), scalar, simd);
            compare("tanh", n, (k, x, o, out, m) -> k.unary(UnaryOp.TANH, x, o, 1, out, o, m), scalar, simd);
            compare("gelu (erf)", n, (k, x, o, out, m) -> k.gelu(GeluApproximation.NONE, x, o, out, o, m), scalar, simd);
            compare("gelu (tanh)", n, (k, x, o, out, m) -> k.gelu(GeluApproximation.TANH, x, o, out, o, m), scalar, simd);
            compare("geluBackward (erf)", n,
                    (k, x, o, out, m) -> k.geluBackward(GeluApproximation.NONE, x, o, x, o, out, o, m), scalar, simd);
            compare("softmaxRow", n, (k, x, o, out, m) -> k.softmaxRow(x, o, out, o, m), scalar, simd);
            compare("layerNormRow", n,
                    (k, x, o, out, m) -> k.layerNormRow(x, o, w, b, 1e-5f, out, o, m, mean, rstd, o / m), scalar, simd);
            compare("add", n, (k, x, o, out, m) -> k.binary(BinaryOp.ADD, x, o, 1, out, o, 1, out, o, m), scalar, simd);
            compare("sum", n, (k, x, o, out, m) -> sink += k.sum(x, o, 1, m), scalar, simd);
        }
        // the JDK's EXP operator: an SVML stub where the JDK has one for this CPU, else a per-lane fallback
        for (int n : new int[] {64, 4096}) {
            if (!"exp: jdk vs poly".contains(filter)) break;
            float[] x = gaussian(TOTAL, 3, 1);
            float[] out = new float[TOTAL];
            double poly = time(n, x, out, SimdBench::polyExp);
            double jdk = time(n, x, out, SimdBench::jdkExp);
            System.out.printf(Locale.ROOT, "%-22s %6d %12.3f %12.3f %8.2f   (lanewise EXP vs SimdMath.exp)%n",
                    "exp: jdk vs poly", n, jdk, poly, jdk / poly);
        }
    }

    private interface Call {
        void run(CpuKernels k, float[] x, int off, float[] out, int n);
    }

    private static void compare(String name, int n, Call call, CpuKernels scalar, CpuKernels simd) {
        if (!name.contains(filter)) return;
        float[] x = gaussian(TOTAL, 2, 1);
        float[] out = new float[TOTAL];
        double s = time(n, x, out, (xx, o, oo, m) -> call.run(scalar, xx, o, oo, m));
        double v = time(n, x, out, (xx, o, oo, m) -> call.run(simd, xx, o, oo, m));
        System.out.printf(Locale.ROOT, "%-22s %6d %12.3f %12.3f %8.2f%n", name, n, s, v, s / v);
    }

    /** Best ns per element over timed passes, each pass running the kernel over every row of x. */
    private static double time(int n, float[] x, float[] out, RowKernel k) {
        int rows = TOTAL / n;
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 1_500_000_000L; // warm-up and timing together
        int passes = 0;
        while (passes < 50 || System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            for (int r = 0; r < rows; r++) k.run(x, r * n, out, n);
            long t = System.nanoTime() - t0;
            if (passes++ > 20) best = Math.min(best, t);
            if (passes > 5000) break;
        }
        sink += out[0];
        return best / (double) TOTAL;
    }

    private static final VectorSpecies<Float> S = SimdMath.SPECIES;

    private static void polyExp(float[] x, int off, float[] out, int n) {
        int whole = S.loopBound(n);
        SimdMath.exp(x, off, out, off, whole);
        for (int i = whole; i < n; i++) out[off + i] = (float) Math.exp(x[off + i]);
    }

    private static void jdkExp(float[] x, int off, float[] out, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += S.length()) {
            FloatVector.fromArray(S, x, off + i).lanewise(VectorOperators.EXP).intoArray(out, off + i);
        }
        for (; i < n; i++) out[off + i] = (float) Math.exp(x[off + i]);
    }

    private static float[] gaussian(int n, float scale, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }
}
