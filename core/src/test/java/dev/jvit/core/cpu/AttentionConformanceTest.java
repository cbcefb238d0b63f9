package dev.jvit.core.cpu;

import dev.jvit.core.NDArray;
import dev.jvit.core.backend.AttentionReference;
import dev.jvit.core.backend.AttentionResult;
import dev.jvit.core.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused attention kernels ({@link SimdAttention}, {@link ScalarAttention} behind
 * {@link Backend#attention}) against {@link AttentionReference}, the composition of primitive ops (reshape,
 * permute, matmul, softmax) that is every backend's default: head widths below, at and above the vector length
 * and not multiples of it (4: the course model; 12: a vector plus a narrow rest), token counts that leave
 * vector tails, one token, and a strided qkv view.
 */
class AttentionConformanceTest {

    private static NDArray randn(Random r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return NDArray.of(a, shape);
    }

    private static double relErr(NDArray ref, NDArray got) {
        assertArrayEquals(ref.shape(), got.shape());
        float[] e = ref.contiguous().toFloatArray(), a = got.contiguous().toFloatArray();
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            num += (e[i] - a[i]) * (double) (e[i] - a[i]);
            den += e[i] * (double) e[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    @ParameterizedTest(name = "B={0} N={1} H={2} D={3}")
    @CsvSource({"2,50,4,16", "3,7,2,3", "1,1,1,8", "2,13,3,8", "2,9,1,24", "1,17,2,5", "2,33,2,32", "2,50,2,4", "2,21,2,12",
            "3,16,2,4", "2,23,1,4", "1,37,3,8"})
    void fusedKernelsMatchTheComposition(int b, int n, int h, int d) {
        Random r = new Random(31L * n + d);
        NDArray qkv = randn(r, b, n, 3 * h * d), dOut = randn(r, b, n, h * d);
        float scale = (float) (1 / Math.sqrt(d));
        AttentionResult ref = AttentionReference.forward(qkv, h, scale);
        NDArray refGrad = AttentionReference.backward(qkv, ref.probs(), dOut, h, scale);
        for (Backend be : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            AttentionResult got = be.attention(qkv, h, scale);
            assertTrue(relErr(ref.probs(), got.probs()) < 1e-6, be.name() + " probs " + relErr(ref.probs(), got.probs()));
            assertTrue(relErr(ref.output(), got.output()) < 1e-6, be.name() + " output " + relErr(ref.output(), got.output()));
            NDArray grad = be.attentionBackward(qkv, got.probs(), dOut, h, scale);
            assertTrue(relErr(refGrad, grad) < 1e-5, be.name() + " dqkv " + relErr(refGrad, grad));
        }
    }

    /**
     * The SIMD softmax takes its exps against the whole head's max: rows far below it (here one row's scores
     * reach 400, another's are all 0, another's near -300) must come out as their own softmax, not 0/0.
     */
    @Test
    void rowsFarBelowTheHeadsMaxKeepTheirOwnSoftmax() {
        Random r = new Random(9);
        int b = 1, n = 13, h = 1, d = 4;
        NDArray qkv = randn(r, b, n, 3 * h * d);
        float[] x = qkv.toFloatArray();
        for (int j = 0; j < n; j++) x[j * 3 * d + d] = 0.5f + r.nextFloat() / 2; // k[j][0] in [0.5, 1]
        for (int t = 0; t < d; t++) {
            x[t] = t == 0 ? 400f : 0f; // row 0: scores 200 to 400
            x[3 * d + t] = 0f; // row 1: every score 0
            x[2 * 3 * d + t] = t == 0 ? -300f : 0f; // row 2: scores -300 to -150
        }
        qkv = NDArray.of(x, b, n, 3 * h * d);
        NDArray dOut = randn(r, b, n, h * d);
        AttentionResult ref = AttentionReference.forward(qkv, h, 1f);
        AttentionResult got = CpuBackend.simd().attention(qkv, h, 1f);
        float[] p = got.probs().toFloatArray();
        for (int j = 0; j < n; j++) assertTrue(Math.abs(p[n + j] - 1f / n) < 1e-6, "row 1 is uniform: " + p[n + j]);
        assertTrue(relErr(ref.probs(), got.probs()) < 1e-6, "probs " + relErr(ref.probs(), got.probs()));
        assertTrue(relErr(ref.output(), got.output()) < 1e-6, "output " + relErr(ref.output(), got.output()));
        assertTrue(relErr(AttentionReference.backward(qkv, ref.probs(), dOut, h, 1f),
                CpuBackend.simd().attentionBackward(qkv, got.probs(), dOut, h, 1f)) < 1e-5);
    }

    @Test
    void stridedQkvViewIsRead() {
        Random r = new Random(5);
        // every other row of a longer sequence: qkv with a token stride of twice its width
        NDArray qkv = randn(r, 2, 22, 3 * 2 * 8).slice(1, 0, 22, 2);
        NDArray dOut = randn(r, 2, 11, 16);
        AttentionResult ref = AttentionReference.forward(qkv, 2, 0.3f);
        AttentionResult got = CpuBackend.simd().attention(qkv, 2, 0.3f);
        assertTrue(relErr(ref.output(), got.output()) < 1e-6);
        assertTrue(relErr(AttentionReference.backward(qkv, ref.probs(), dOut, 2, 0.3f),
                CpuBackend.simd().attentionBackward(qkv, got.probs(), dOut, 2, 0.3f)) < 1e-5);
    }

    @Test
    void badShapesAreNamed() {
        NDArray qkv = NDArray.zeros(2, 5, 30);
        var e = assertThrows(IllegalArgumentException.class, () -> CpuBackend.simd().attention(qkv, 4, 1f));
        assertTrue(e.getMessage().contains(dev.jvit.core.Shape.str(new int[] {2, 5, 30})), e.getMessage());
        AttentionResult ok = CpuBackend.simd().attention(NDArray.zeros(2, 5, 24), 2, 1f);
        assertThrows(IllegalArgumentException.class,
                () -> CpuBackend.simd().attentionBackward(NDArray.zeros(2, 5, 24), ok.probs(), NDArray.zeros(2, 5, 9), 2, 1f));
    }
}
