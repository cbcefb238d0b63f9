package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import dev.jvit.core.cpu.CpuBackend;
import dev.jvit.cuda.blas.KernelGemm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every CUDA op against the scalar CPU reference (llm.c's rule: fresh random inputs, never zeros, relative
 * error ||out - ref|| / ||ref||), on contiguous, transposed, sliced and broadcast views and on sizes 1, 7, 33
 * and 1000. Matrix products run through both GEMM engines (cuBLAS where it loads, and jvit's kernels).
 * Skipped where no CUDA device is usable.
 */
@Tag("gpu")
class CudaOpsGpuTest {
    private static final Device CUDA = Device.cuda(0);
    private static final Backend CPU = CpuBackend.scalar();
    private static CudaBackend gpu;
    private static CudaBackend gpuKernels;

    @BeforeAll
    static void open() {
        assumeTrue(Backends.isAvailable(CUDA), () -> "CUDA unavailable: " + Backends.unavailableReason(CUDA));
        gpu = (CudaBackend) Backends.forDevice(CUDA);
        gpuKernels = new CudaBackend(CUDA, gpu.api(), new KernelGemm(gpu.api()), null);
        System.out.println("testing " + gpu.name());
    }

    @AfterAll
    static void close() throws Exception {
        if (gpuKernels != null) gpuKernels.close();
    }

    // ---- inputs -----------------------------------------------------------------------------------

    /** The same values on both devices, then the same view on each. */
    private record Pair(NDArray cpu, NDArray gpu) {
        Pair view(UnaryOperator<NDArray> f) {
            return new Pair(f.apply(cpu), f.apply(gpu));
        }
    }

    private static float[] values(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale + (i % 11 == 3 ? 0.5f : 0f);
        return v;
    }

    private static Pair pair(long seed, float scale, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = values(new Random(seed), n, scale);
        return new Pair(CPU.fromHost(v.clone(), shape), gpu.fromHost(v, shape));
    }

    private static Pair ints(int[] v, int... shape) {
        return new Pair(CPU.fromHost(v.clone(), shape), gpu.fromHost(v, shape));
    }

    /** One logical shape (4, 7, 33) in four layouts. */
    private static final String[] LAYOUTS = {"contiguous", "transposed", "sliced", "broadcast"};

    private static Pair layout(String name, long seed) {
        return switch (name) {
            case "contiguous" -> pair(seed, 2f, 4, 7, 33);
            case "transposed" -> pair(seed, 2f, 33, 7, 4).view(x -> x.permute(2, 1, 0));
            case "sliced" -> pair(seed, 2f, 5, 7, 68).view(x -> x.slice(0, 1, 5, 1).slice(2, 1, 67, 2));
            case "broadcast" -> pair(seed, 2f, 4, 1, 33).view(x -> x.expand(4, 7, 33));
            default -> throw new IllegalArgumentException(name);
        };
    }

    // ---- comparison -------------------------------------------------------------------------------

    static double relError(float[] ref, float[] out) {
        double d = 0, r = 0;
        for (int i = 0; i < ref.length; i++) {
            d += (double) (out[i] - ref[i]) * (out[i] - ref[i]);
            r += (double) ref[i] * ref[i];
        }
        return r == 0 ? Math.sqrt(d) : Math.sqrt(d / r);
    }

    private static void close(String what, NDArray ref, NDArray got, double tol) {
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        assertEquals(Device.CPU, ref.device());
        assertEquals(CUDA, got.device());
        if (ref.dtype() == DType.INT32) {
            assertArrayEquals(CPU.toHostInts(ref), gpu.toHostInts(got), what);
            return;
        }
        float[] e = CPU.toHostFloats(ref), a = gpu.toHostFloats(got);
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) != Float.isNaN(a[i]) || (Float.isInfinite(e[i]) && e[i] != a[i])) {
                fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i]);
            }
            if (!Float.isFinite(e[i])) {
                e[i] = 0;
                a[i] = 0;
            }
        }
        double err = relError(e, a);
        assertTrue(err <= tol, what + ": relative error " + err + " > " + tol);
    }

    private static NDArray emptyLike(Backend b, NDArray x) {
        return b.empty(x.dtype(), x.shape());
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unary(UnaryOp op) {
        for (String l : LAYOUTS) {
            Pair x = layout(l, 1);
            NDArray ref = emptyLike(CPU, x.cpu), out = emptyLike(gpu, x.gpu);
            CPU.unaryInto(op, x.cpu, ref);
            gpu.unaryInto(op, x.gpu, out);
            close(op + " " + l, ref, out, 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binary(BinaryOp op) {
        for (String la : LAYOUTS) {
            for (String lb : LAYOUTS) {
                Pair a = layout(la, 2), b = layout(lb, 3);
                NDArray ref = CPU.empty(DType.FLOAT32, new int[] {4, 7, 33}), out = gpu.empty(DType.FLOAT32, new int[] {4, 7, 33});
                CPU.binaryInto(op, a.cpu, b.cpu, ref);
                gpu.binaryInto(op, a.gpu, b.gpu, out);
                close(op + " " + la + "/" + lb, ref, out, op == BinaryOp.POW ? 1e-6 : 0);
            }
        }
        // broadcasting a row and a column, and writing into a strided output view
        Pair row = pair(4, 1f, 33), col = pair(5, 1f, 7, 1);
        Pair outs = new Pair(CPU.empty(DType.FLOAT32, new int[] {33, 7}), gpu.empty(DType.FLOAT32, new int[] {33, 7}))
                .view(o -> o.transpose(0, 1));
        CPU.binaryInto(op, row.cpu, col.cpu, outs.cpu);
        gpu.binaryInto(op, row.gpu, col.gpu, outs.gpu);
        close(op + " row/col into transposed", outs.cpu, outs.gpu, op == BinaryOp.POW ? 1e-6 : 0);
    }

    @Test
    void powScalarWhereFillCopy() {
        for (String l : LAYOUTS) {
            Pair x = layout(l, 6);
            NDArray ref = emptyLike(CPU, x.cpu), out = emptyLike(gpu, x.gpu);
            CPU.powScalarInto(x.cpu, 3f, ref);
            gpu.powScalarInto(x.gpu, 3f, out);
            close("pow " + l, ref, out, 1e-6);
            Pair c = layout(l, 7);
            CPU.whereInto(c.cpu, x.cpu, c.cpu, ref);
            gpu.whereInto(c.gpu, x.gpu, c.gpu, out);
            close("where " + l, ref, out, 0);
            NDArray ri = CPU.empty(DType.INT32, x.cpu.shape()), gi = gpu.empty(DType.INT32, x.gpu.shape());
            CPU.copyInto(x.cpu, ri);
            gpu.copyInto(x.gpu, gi);
            close("float to int " + l, ri, gi, 0);
            CPU.copyInto(ri, ref);
            gpu.copyInto(gi, out);
            close("int to float " + l, ref, out, 0);
        }
        Pair mask = ints(new int[] {1, 0, 0, 1, 1, 0, 1}, 7, 1);
        Pair a = pair(8, 1f, 4, 7, 33), b = pair(9, 1f, 33);
        NDArray ref = CPU.empty(DType.FLOAT32, new int[] {4, 7, 33}), out = gpu.empty(DType.FLOAT32, new int[] {4, 7, 33});
        CPU.whereInto(mask.cpu, a.cpu, b.cpu, ref);
        gpu.whereInto(mask.gpu, a.gpu, b.gpu, out);
        close("where with int mask", ref, out, 0);
        CPU.fill(ref.slice(2, 0, 33, 4), -2.5f);
        gpu.fill(out.slice(2, 0, 33, 4), -2.5f);
        close("fill strided", ref, out, 0);
    }

    // ---- reductions -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reductions(ReduceOp op) {
        int[][] dimSets = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};
        for (String l : LAYOUTS) {
            Pair x = layout(l, 10);
            for (int[] dims : dimSets) {
                for (boolean keep : new boolean[] {true, false}) {
                    close(op + " " + l + " " + java.util.Arrays.toString(dims), CPU.reduce(op, x.cpu, dims, keep),
                            gpu.reduce(op, x.gpu, dims, keep), 1e-5);
                }
                close("var " + l, CPU.variance(x.cpu, dims, 1, false), gpu.variance(x.gpu, dims, 1, false), 1e-5);
            }
            for (int d = 0; d < 3; d++) close("argmax " + l + " " + d, CPU.argmax(x.cpu, d, true), gpu.argmax(x.gpu, d, true), 0);
        }
        for (int n : new int[] {1, 7, 33, 1000, 100_000}) {
            Pair x = pair(n, 1f, n);
            close(op + " of " + n, CPU.reduce(op, x.cpu, new int[] {0}, false), gpu.reduce(op, x.gpu, new int[] {0}, false), 1e-5);
        }
    }

    // ---- matmul -----------------------------------------------------------------------------------

    @Test
    void matmulBothEngines() {
        for (CudaBackend b : new CudaBackend[] {gpu, gpuKernels}) {
            int[][] mnk = {{1, 1, 1}, {7, 33, 1}, {33, 7, 1000}, {1000, 33, 7}, {64, 64, 64}, {65, 129, 67}, {128, 256, 512}};
            for (int[] s : mnk) {
                int m = s[0], n = s[1], k = s[2];
                Pair a = pair(m * 31L + k, 1f, m, k), w = pair(n * 17L + k, 1f, k, n), wt = pair(n * 13L + k, 1f, n, k);
                close(b.gemmName() + " plain " + m + "x" + n + "x" + k, CPU.matmul(a.cpu, w.cpu), matmul(b, a.gpu, w.gpu), 1e-5);
                close(b.gemmName() + " a·wᵀ", CPU.matmul(a.cpu, wt.cpu.mT()), matmul(b, a.gpu, wt.gpu.mT()), 1e-5);
                Pair at = pair(m * 7L + k, 1f, k, m);
                close(b.gemmName() + " aᵀ·w", CPU.matmul(at.cpu.mT(), w.cpu), matmul(b, at.gpu.mT(), w.gpu), 1e-5);
            }
            // batched: shared weight (one tall GEMM), per-batch operands, broadcast batch dims, stepped slices
            Pair x = pair(20, 1f, 2, 3, 7, 33), w = pair(21, 1f, 33, 12), wb = pair(22, 1f, 3, 33, 5);
            close("shared weight", CPU.matmul(x.cpu, w.cpu), matmul(b, x.gpu, w.gpu), 1e-5);
            close("batched broadcast", CPU.matmul(x.cpu, wb.cpu), matmul(b, x.gpu, wb.gpu), 1e-5);
            Pair q = pair(23, 1f, 2, 3, 7, 8), kk = pair(24, 1f, 2, 3, 7, 8);
            close("attention scores", CPU.matmul(q.cpu, kk.cpu.mT()), matmul(b, q.gpu, kk.gpu.mT()), 1e-5);
            Pair stepped = pair(25, 1f, 33, 24).view(v -> v.slice(1, 0, 24, 2));
            Pair left = pair(26, 1f, 5, 33);
            close("stepped slice", CPU.matmul(left.cpu, stepped.cpu), matmul(b, left.gpu, stepped.gpu), 1e-5);
            Pair big = pair(27, 1f, 4, 1, 7, 33).view(v -> v.expand(4, 3, 7, 33));
            close("expanded batch", CPU.matmul(big.cpu, wb.cpu), matmul(b, big.gpu, wb.gpu), 1e-5);
        }
    }

    private static NDArray matmul(CudaBackend b, NDArray x, NDArray y) {
        return b.matmul(x, y);
    }

    // ---- fused ------------------------------------------------------------------------------------

    @Test
    void softmaxLayerNormGelu() {
        for (int c : new int[] {1, 7, 33, 1000}) {
            Pair x = pair(30 + c, 3f, 5, c), dy = pair(40 + c, 1f, 5, c);
            NDArray ys = CPU.softmax(x.cpu), yg = gpu.softmax(x.gpu);
            close("softmax " + c, ys, yg, 1e-6);
            close("softmax backward " + c, CPU.softmaxBackward(ys, dy.cpu), gpu.softmaxBackward(yg, dy.gpu), 1e-5);
            NDArray ls = CPU.logSoftmax(x.cpu), lg = gpu.logSoftmax(x.gpu);
            close("log softmax " + c, ls, lg, 1e-6);
            close("log softmax backward " + c, CPU.logSoftmaxBackward(ls, dy.cpu), gpu.logSoftmaxBackward(lg, dy.gpu), 1e-5);
            Pair w = pair(50 + c, 1f, c), bias = pair(60 + c, 1f, c);
            LayerNormResult rc = CPU.layerNorm(x.cpu, w.cpu, bias.cpu, 1e-5f), rg = gpu.layerNorm(x.gpu, w.gpu, bias.gpu, 1e-5f);
            close("layernorm y " + c, rc.y(), rg.y(), 1e-5);
            close("layernorm mean " + c, rc.mean(), rg.mean(), 1e-5);
            close("layernorm rstd " + c, rc.rstd(), rg.rstd(), 1e-5);
            LayerNormGrads gc = CPU.layerNormBackward(dy.cpu, x.cpu, w.cpu, rc.mean(), rc.rstd(), true);
            LayerNormGrads gg = gpu.layerNormBackward(dy.gpu, x.gpu, w.gpu, rg.mean(), rg.rstd(), true);
            close("layernorm dx " + c, gc.dx(), gg.dx(), 1e-4);
            close("layernorm dw " + c, gc.dweight(), gg.dweight(), 1e-5);
            close("layernorm db " + c, gc.dbias(), gg.dbias(), 1e-5);
            for (GeluApproximation a : GeluApproximation.values()) {
                close("gelu " + a + " " + c, CPU.gelu(x.cpu, a), gpu.gelu(x.gpu, a), 1e-6);
                close("gelu backward " + a + " " + c, CPU.geluBackward(x.cpu, dy.cpu, a), gpu.geluBackward(x.gpu, dy.gpu, a), 1e-6);
            }
        }
        // many rows, a transposed input, no affine parameters
        Pair x = pair(70, 1f, 768, 300).view(v -> v.transpose(0, 1)), dy = pair(71, 1f, 300, 768);
        LayerNormResult rc = CPU.layerNorm(x.cpu, null, null, 1e-6f), rg = gpu.layerNorm(x.gpu, null, null, 1e-6f);
        close("layernorm plain", rc.y(), rg.y(), 1e-5);
        LayerNormGrads gc = CPU.layerNormBackward(dy.cpu, x.cpu, null, rc.mean(), rc.rstd(), true);
        LayerNormGrads gg = gpu.layerNormBackward(dy.gpu, x.gpu, null, rg.mean(), rg.rstd(), true);
        close("layernorm plain dx", gc.dx(), gg.dx(), 1e-4);
        close("layernorm plain db", gc.dbias(), gg.dbias(), 1e-5);
        close("softmax transposed", CPU.softmax(x.cpu), gpu.softmax(x.gpu), 1e-6);
    }

    @Test
    void fusedAttentionAndLinearAndDropoutMask() {
        // head widths 4 to 64, token counts around the block size, a strided (sliced) qkv view
        int[][] shapes = {{2, 50, 4, 16}, {3, 7, 2, 3}, {1, 197, 3, 64}, {2, 65, 1, 8}};
        for (int[] s : shapes) {
            int b = s[0], n = s[1], h = s[2], d = s[3];
            Pair qkv = pair(90 + n, 1f, b, n, 3 * h * d), dOut = pair(91 + n, 1f, b, n, h * d);
            float scale = (float) (1 / Math.sqrt(d));
            var rc = CPU.attention(qkv.cpu, h, scale);
            var rg = gpu.attention(qkv.gpu, h, scale);
            String what = "attention B=" + b + " N=" + n + " H=" + h + " D=" + d;
            close(what + " probs", rc.probs(), rg.probs(), 1e-5);
            close(what + " output", rc.output(), rg.output(), 1e-5);
            close(what + " dqkv", CPU.attentionBackward(qkv.cpu, rc.probs(), dOut.cpu, h, scale),
                    gpu.attentionBackward(qkv.gpu, rg.probs(), dOut.gpu, h, scale), 1e-4);
        }
        Pair sliced = pair(95, 1f, 2, 22, 48).view(v -> v.slice(1, 0, 22, 2));
        close("attention of a sliced qkv", CPU.attention(sliced.cpu, 2, 0.3f).output(), gpu.attention(sliced.gpu, 2, 0.3f).output(), 1e-5);

        Pair x = pair(96, 1f, 301, 37), w = pair(97, 1f, 19, 37), bias = pair(98, 1f, 19);
        close("linear", CPU.linear(x.cpu, w.cpu, bias.cpu), gpu.linear(x.gpu, w.gpu, bias.gpu), 1e-5);

        NDArray mask = gpu.empty(DType.FLOAT32, new int[] {100_000});
        gpu.dropoutMask(mask, 0.25f, new dev.jvit.core.Generator(5));
        float[] m = gpu.toHostFloats(mask);
        int kept = 0;
        for (float v : m) {
            assertTrue(v == 0f || Math.abs(v - 1f / 0.75f) < 1e-6f, "dropout mask value " + v);
            if (v != 0f) kept++;
        }
        assertEquals(0.75, kept / 100_000.0, 0.01, "dropout keep rate");
    }

    // ---- indexing and conv ------------------------------------------------------------------------

    @Test
    void indexingAndConv() {
        for (String l : LAYOUTS) {
            Pair x = layout(l, 80);
            Pair idx = ints(new int[] {6, 0, 3, 3, 1}, 5);
            close("indexSelect " + l, CPU.indexSelect(x.cpu, 1, idx.cpu), gpu.indexSelect(x.gpu, 1, idx.gpu), 0);
            Pair dst = pair(81, 1f, 4, 7, 33), src = pair(82, 1f, 4, 5, 33);
            CPU.indexAddInto(dst.cpu, 1, idx.cpu, src.cpu);
            gpu.indexAddInto(dst.gpu, 1, idx.gpu, src.gpu);
            close("indexAdd " + l, dst.cpu, dst.gpu, 1e-6);
            int[] gi = new int[4 * 7 * 3];
            Random r = new Random(83);
            for (int i = 0; i < gi.length; i++) gi[i] = r.nextInt(33);
            Pair gidx = ints(gi, 4, 7, 3);
            close("gather " + l, CPU.gather(x.cpu, 2, gidx.cpu), gpu.gather(x.gpu, 2, gidx.gpu), 0);
            Pair sdst = pair(84, 1f, 4, 7, 33), ssrc = pair(85, 1f, 4, 7, 3);
            CPU.scatterAddInto(sdst.cpu, 2, gidx.cpu, ssrc.cpu);
            gpu.scatterAddInto(sdst.gpu, 2, gidx.gpu, ssrc.gpu);
            close("scatterAdd " + l, sdst.cpu, sdst.gpu, 1e-6);
            close("concat " + l, CPU.concat(new NDArray[] {x.cpu, dst.cpu}, 2), gpu.concat(new NDArray[] {x.gpu, dst.gpu}, 2), 0);
        }
        Pair ints = ints(new int[] {5, 6, 7, 8, 9, 10}, 3, 2);
        Pair i0 = ints(new int[] {2, 2, 0}, 3);
        close("indexSelect ints", CPU.indexSelect(ints.cpu, 0, i0.cpu), gpu.indexSelect(ints.gpu, 0, i0.gpu), 0);
        for (Conv2dGeometry g : new Conv2dGeometry[] {Conv2dGeometry.square(4, 4, 0), Conv2dGeometry.square(3, 1, 1),
                new Conv2dGeometry(3, 2, 2, 1, 1, 0), Conv2dGeometry.square(1, 1, 0)}) {
            Pair img = pair(90, 1f, 2, 3, 9, 8);
            NDArray cc = CPU.im2col(img.cpu, g), cg = gpu.im2col(img.gpu, g);
            close("im2col " + g, cc, cg, 0);
            close("col2im " + g, CPU.col2im(cc, 3, 9, 8, g), gpu.col2im(cg, 3, 9, 8, g), 0);
        }
    }

    // ---- optimizers and random ----------------------------------------------------------------------

    @Test
    void optimizerUpdatesMatchTheCpu() {
        for (int n : new int[] {1, 7, 33, 1000}) {
            Pair p = pair(100 + n, 1f, n), g = pair(200 + n, 1f, n), m = pair(300 + n, 0.1f, n), v = pair(400 + n, 0.1f, n);
            v = new Pair(v.cpu.abs(), v.gpu.abs());
            for (int step = 1; step <= 3; step++) {
                CPU.adamUpdate(p.cpu, g.cpu, m.cpu, v.cpu, 1e-2, 0.9, 0.999, 1e-8, 0.05, step % 2 == 1, step);
                gpu.adamUpdate(p.gpu, g.gpu, m.gpu, v.gpu, 1e-2, 0.9, 0.999, 1e-8, 0.05, step % 2 == 1, step);
            }
            close("adam param " + n, p.cpu, p.gpu, 1e-7);
            close("adam m " + n, m.cpu, m.gpu, 1e-7);
            close("adam v " + n, v.cpu, v.gpu, 1e-7);
            Pair buf = pair(500 + n, 1f, n);
            for (int step = 0; step < 3; step++) {
                CPU.sgdUpdate(p.cpu, g.cpu, buf.cpu, 0.1, 0.9, 0.1, step == 2, 1e-3, step == 0);
                gpu.sgdUpdate(p.gpu, g.gpu, buf.gpu, 0.1, 0.9, 0.1, step == 2, 1e-3, step == 0);
            }
            close("sgd param " + n, p.cpu, p.gpu, 1e-7);
        }
        Pair p = pair(600, 1f, 7, 5).view(v -> v.transpose(0, 1)), g = pair(601, 1f, 5, 7);
        CPU.sgdUpdate(p.cpu, g.cpu, null, 0.5, 0, 0, false, 0, true);
        gpu.sgdUpdate(p.gpu, g.gpu, null, 0.5, 0, 0, false, 0, true);
        close("sgd strided", p.cpu, p.gpu, 1e-7);
    }

    @Test
    void randomFillsAreReproducibleAndHaveTheRightMoments() {
        NDArray a = gpu.empty(DType.FLOAT32, new int[] {1000, 1000}), b = gpu.empty(DType.FLOAT32, new int[] {1000, 1000});
        gpu.normal(a, 1f, 2f, new Generator(5));
        gpu.normal(b, 1f, 2f, new Generator(5));
        float[] x = gpu.toHostFloats(a);
        assertArrayEquals(x, gpu.toHostFloats(b));
        double mean = 0, sq = 0;
        for (float v : x) mean += v;
        mean /= x.length;
        for (float v : x) sq += (v - mean) * (v - mean);
        assertEquals(1.0, mean, 0.01);
        assertEquals(2.0, Math.sqrt(sq / x.length), 0.01);
        gpu.uniform(a.transpose(0, 1), -1f, 3f, new Generator(6));
        float[] u = gpu.toHostFloats(a);
        double um = 0;
        for (float v : u) {
            assertTrue(v >= -1f && v < 3f, "uniform value " + v);
            um += v;
        }
        assertEquals(1.0, um / u.length, 0.01);
    }

    @Test
    void allocatorReusesBlocksInSteadyState() {
        CudaBackend b = new CudaBackend(CUDA, gpu.api(), new KernelGemm(gpu.api()), null);
        NDArray keep = b.empty(DType.FLOAT32, new int[] {1000});
        for (int i = 0; i < 3; i++) b.allocator().release(b.allocator().allocate(4000)); // warm the class
        long before = b.allocator().deviceAllocations();
        for (int i = 0; i < 100; i++) b.allocator().release(b.allocator().allocate(4000));
        assertEquals(before, b.allocator().deviceAllocations());
        assertTrue(b.allocator().peakBytes() >= 8192);
        assertEquals(1000, keep.numel());
        b.allocator().releaseCached();
    }
}
