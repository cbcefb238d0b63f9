package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import dev.jvit.cuda.blas.KernelGemm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every Backend method of {@link CudaBackend}, run against a fake device that keeps memory on the host and
 * records kernel launches instead of running them. Without a GPU this checks what can go wrong on the Java
 * side: each launch names a kernel that exists in the packaged PTX, with arguments whose kinds and sizes
 * match the kernel's C parameters, in a legal grid; host copies land at the right offsets.
 */
class FakeDeviceTest {

    /** Host-memory device: allocations are int arrays of raw 32-bit patterns. */
    static final class FakeApi implements DeviceApi {
        final Map<Long, int[]> memory = new HashMap<>();
        final List<String> launches = new ArrayList<>();
        final Map<String, Map<String, List<Ptx.Param>>> signatures = new HashMap<>();
        long next = 1L << 32;

        @Override
        public String deviceName() {
            return "fake";
        }

        @Override
        public long allocate(long bytes) {
            long a = next;
            next += (bytes + 511) / 512 * 512;
            memory.put(a, new int[(int) (bytes / 4)]);
            return a;
        }

        @Override
        public void free(long address) {
            if (memory.remove(address) == null) throw new IllegalStateException("double free");
        }

        private int[] block(Ptr p, int count) {
            int[] m = memory.get(p.storage().address());
            if (m == null) throw new IllegalStateException("pointer into freed memory");
            if (p.byteOffset() % 4 != 0 || p.byteOffset() / 4 + count > m.length) {
                throw new IllegalStateException("copy of " + count + " elements at byte " + p.byteOffset()
                        + " overruns a block of " + m.length);
            }
            return m;
        }

        @Override
        public void copyToDevice(Ptr dst, float[] src, int count) {
            int[] m = block(dst, count);
            for (int i = 0; i < count; i++) m[(int) (dst.byteOffset() / 4) + i] = Float.floatToRawIntBits(src[i]);
        }

        @Override
        public void copyToDevice(Ptr dst, int[] src, int count) {
            System.arraycopy(src, 0, block(dst, count), (int) (dst.byteOffset() / 4), count);
        }

        @Override
        public void copyToHost(Ptr src, float[] dst, int count) {
            int[] m = block(src, count);
            for (int i = 0; i < count; i++) dst[i] = Float.intBitsToFloat(m[(int) (src.byteOffset() / 4) + i]);
        }

        @Override
        public void copyToHost(Ptr src, int[] dst, int count) {
            System.arraycopy(block(src, count), (int) (src.byteOffset() / 4), dst, 0, count);
        }

        @Override
        public void launch(String module, String kernel, Grid grid, Object... args) {
            Map<String, List<Ptx.Param>> sig = signatures.computeIfAbsent(module, m -> {
                String ptx = Ptx.source(m);
                if (ptx == null) throw new IllegalStateException("no PTX for module " + m);
                return Ptx.signatures(ptx);
            });
            List<Ptx.Param> params = sig.get(kernel);
            if (params == null) throw new IllegalStateException("module " + module + " has no kernel " + kernel);
            Ptx.check(kernel, params, args);
            for (Object a : args) {
                if (a instanceof Ptr p) block(p, 0);
            }
            launches.add(kernel);
        }

        @Override
        public void synchronize() {}
    }

    private FakeApi api;
    private CudaBackend gpu;

    @BeforeEach
    void setUp() {
        assumeTrue(Ptx.missingModules().isEmpty(), "kernels were not compiled (no nvcc at build time)");
        api = new FakeApi();
        gpu = new CudaBackend(Device.cuda(0), api, new KernelGemm(api), null);
    }

    private NDArray rand(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i * 37 % 17) - 8.5f;
        return gpu.fromHost(v, shape);
    }

    private String last() {
        return api.launches.get(api.launches.size() - 1);
    }

    @Test
    void hostCopiesRoundTripIncludingOffsetViews() {
        float[] v = {1, 2, 3, 4, 5, 6};
        NDArray x = gpu.fromHost(v, new int[] {2, 3});
        assertArrayEquals(v, gpu.toHostFloats(x));
        assertArrayEquals(new float[] {4, 5, 6}, gpu.toHostFloats(x.select(0, 1)));
        NDArray i = gpu.fromHost(new int[] {7, 8, 9}, new int[] {3});
        assertArrayEquals(new int[] {8, 9}, gpu.toHostInts(i.narrow(0, 1, 2)));
        assertTrue(api.launches.isEmpty(), "contiguous copies need no kernel");
        assertEquals(Device.cuda(0), x.device());
        assertThrows(IllegalArgumentException.class, () -> gpu.fromHost(v, new int[] {4}));
    }

    @Test
    void elementwiseTakesTheOneDimensionalPathWhenItCan() {
        NDArray a = rand(4, 6, 35), b = rand(4, 6, 35), out = gpu.empty(DType.FLOAT32, new int[] {4, 6, 35});
        gpu.binaryInto(BinaryOp.ADD, a, b, out);
        assertEquals("binary_1d", last());
        gpu.binaryInto(BinaryOp.MUL, a, rand(1), out);
        assertEquals("binary_1d", last());
        gpu.binaryInto(BinaryOp.SUB, a, rand(35, 6, 4).permute(2, 1, 0), out);
        assertEquals("binary_nd", last());
        gpu.binaryInto(BinaryOp.DIV, a, rand(6, 1), out);
        assertEquals("binary_nd", last());
        for (UnaryOp op : UnaryOp.values()) gpu.unaryInto(op, a.transpose(0, 2), gpu.empty(DType.FLOAT32, new int[] {35, 6, 4}));
        gpu.unaryInto(UnaryOp.EXP, a, out);
        assertEquals("unary_1d", last());
        gpu.powScalarInto(a.slice(2, 0, 35, 2), 2f, gpu.empty(DType.FLOAT32, new int[] {4, 6, 18}));
        assertEquals("pow_scalar_nd", last());
        gpu.whereInto(rand(4, 6, 35), a, b, out);
        gpu.whereInto(gpu.fromHost(new int[] {1, 0, 1, 0, 1, 0}, new int[] {6, 1}), a, rand(35), out);
        assertEquals("where_nd", last());
        gpu.fill(out, 3f);
        gpu.fill(out.slice(2, 0, 35, 5), 1f);
        gpu.fill(gpu.empty(DType.INT32, new int[] {3}), 2f);
        gpu.copyInto(a, gpu.empty(DType.INT32, a.shape()));
        assertEquals("copy_f32_i32_1d", last());
        gpu.copyInto(gpu.fromHost(new int[] {1, 2}, new int[] {2, 1}), gpu.empty(DType.FLOAT32, new int[] {2, 5}));
        assertEquals("copy_i32_f32_nd", last());
    }

    @Test
    void moreThanEightDimensionsAreSplit() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        NDArray a = rand(shape);
        NDArray t = a.permute(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        NDArray out = gpu.empty(DType.FLOAT32, shape);
        int before = api.launches.size();
        gpu.binaryInto(BinaryOp.ADD, a, t, out);
        assertEquals(4, api.launches.size() - before, "2 x 2 outer positions, one launch each");
    }

    @Test
    void reductionsAndFusedOps() {
        NDArray x = rand(4, 6, 35), xt = x.permute(2, 0, 1);
        for (ReduceOp op : ReduceOp.values()) {
            assertArrayEquals(new int[] {4, 35}, gpu.reduce(op, x, new int[] {1}, false).shape());
            assertArrayEquals(new int[] {1, 1, 1}, gpu.reduce(op, xt, new int[] {0, 1, 2}, true).shape());
        }
        assertArrayEquals(new int[] {6}, gpu.variance(x, new int[] {0, 2}, 1, false).shape());
        NDArray am = gpu.argmax(xt, 1, false);
        assertEquals(DType.INT32, am.dtype());
        assertArrayEquals(new int[] {35, 6}, am.shape());
        assertArrayEquals(new int[] {4, 1, 35}, gpu.reduce(ReduceOp.SUM, gpu.empty(DType.FLOAT32, new int[] {4, 0, 35}),
                new int[] {1}, true).shape());
        NDArray s = gpu.softmax(xt);
        gpu.softmaxBackward(s, xt);
        gpu.logSoftmaxBackward(gpu.logSoftmax(x), x);
        NDArray w = rand(35), b = rand(35);
        LayerNormResult ln = gpu.layerNorm(x, w, b, 1e-5f);
        assertArrayEquals(new int[] {4, 6}, ln.mean().shape());
        gpu.layerNormBackward(x, x, w, ln.mean(), ln.rstd(), true);
        gpu.layerNormBackward(x, x, null, ln.mean(), ln.rstd(), false);
        LayerNormResult plain = gpu.layerNorm(xt, null, null, 1e-5f);
        gpu.layerNormBackward(xt, xt, null, plain.mean(), plain.rstd(), true);
        for (GeluApproximation g : GeluApproximation.values()) gpu.geluBackward(xt, gpu.gelu(xt, g), g);
        assertTrue(api.launches.contains("layernorm_backward_partials"));
        assertTrue(api.launches.contains("sum_partials"));
    }

    @Test
    void matmulLayouts() {
        NDArray a = rand(2, 3, 5, 8), w = rand(12, 8);
        assertArrayEquals(new int[] {2, 3, 5, 12}, gpu.matmul(a, w.transpose(0, 1)).shape());
        assertEquals("sgemm_tiled", last(), "a transposed weight has no unit stride along N");
        assertArrayEquals(new int[] {2, 3, 5, 12}, gpu.matmul(a, rand(8, 12)).shape());
        assertEquals("sgemm_tiled_vec4", last());
        assertArrayEquals(new int[] {2, 3, 5, 7}, gpu.matmul(a, rand(3, 8, 7)).shape());
        NDArray stepped = rand(5, 16).slice(1, 0, 16, 2);   // strided both ways after transposing
        gpu.matmul(rand(3, 5), stepped);
        gpu.matmul(rand(4, 1, 5, 8).expand(4, 3, 5, 8), rand(3, 8, 2));
        assertArrayEquals(new int[] {3, 0}, gpu.matmul(rand(3, 4), rand(4, 0)).shape());
        assertArrayEquals(new int[] {3, 2}, gpu.matmul(rand(3, 0), rand(0, 2)).shape());
    }

    @Test
    void indexingConvRandomAndOptimizers() {
        NDArray x = rand(4, 6, 5);
        NDArray idx = gpu.fromHost(new int[] {2, 0, 2}, new int[] {3});
        assertArrayEquals(new int[] {4, 3, 5}, gpu.indexSelect(x, 1, idx).shape());
        gpu.indexAddInto(x.transpose(0, 2), 1, idx, rand(5, 3, 4));
        NDArray gi = gpu.fromHost(new int[24], new int[] {4, 6, 1});
        assertArrayEquals(new int[] {4, 6, 1}, gpu.gather(x, 2, gi).shape());
        gpu.scatterAddInto(x, 2, gi, rand(4, 6, 1));
        assertArrayEquals(new int[] {4, 12, 5}, gpu.concat(new NDArray[] {x, x.transpose(0, 0)}, 1).shape());
        NDArray img = rand(2, 3, 9, 9);
        Conv2dGeometry g = new Conv2dGeometry(3, 3, 2, 2, 1, 1);
        NDArray cols = gpu.im2col(img, g);
        assertArrayEquals(new int[] {2, 25, 27}, cols.shape());
        assertArrayEquals(new int[] {2, 3, 9, 9}, gpu.col2im(cols, 3, 9, 9, g).shape());
        Generator gen = new Generator(1);
        gpu.uniform(x, -1f, 1f, gen);
        gpu.normal(x.transpose(1, 2), 0f, 1f, gen);
        NDArray p = rand(7, 3), grad = rand(7, 3), m = rand(7, 3), v = rand(7, 3);
        gpu.adamUpdate(p, grad, m, v, 1e-3, 0.9, 0.999, 1e-8, 0.01, true, 1);
        gpu.adamUpdate(p.transpose(0, 1), grad.transpose(0, 1), m.transpose(0, 1), v.transpose(0, 1), 1e-3, 0.9,
                0.999, 1e-8, 0.01, false, 3);
        gpu.sgdUpdate(p, grad, null, 0.1, 0, 0, false, 0, true);
        gpu.sgdUpdate(p, grad, m, 0.1, 0.9, 0, true, 1e-4, false);
        assertThrows(IllegalArgumentException.class, () -> gpu.sgdUpdate(p, grad, null, 0.1, 0.9, 0, false, 0, true));
        assertThrows(IllegalArgumentException.class, () -> gpu.adamUpdate(p, grad, m, rand(3, 7), 1e-3, 0.9,
                0.999, 1e-8, 0, true, 1));
        assertFalse(api.launches.isEmpty());
    }

    @Test
    void arraysFromAnotherDeviceAreRefusedClearly() {
        NDArray cpu = NDArray.zeros(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.unaryInto(UnaryOp.EXP, cpu, gpu.empty(DType.FLOAT32, new int[] {3})));
        assertTrue(e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test
    void allocationsComeFromTheCachingAllocator() {
        long before = gpu.allocator().currentBytes();
        NDArray a = gpu.empty(DType.FLOAT32, new int[] {1000});
        assertEquals(before + 4096, gpu.allocator().currentBytes());
        assertTrue(gpu.allocator().peakBytes() >= gpu.allocator().currentBytes());
        assertEquals(1000, a.numel());
    }
}
