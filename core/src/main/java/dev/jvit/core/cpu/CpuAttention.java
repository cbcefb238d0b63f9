package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.AttentionResult;

/**
 * The fused multi-head attention of the CPU backend: reads q, k and v where timm's qkv projection left them
 * ((B, N, 3, H, D) rows), writes the heads' outputs already merged as (B, N, H·D), and spreads the B·H heads
 * across threads, each head one {@link CpuKernels#attentionHead} call. Compared with the composed path it
 * saves two permute copies forward, three backward, and the batched GEMMs' packing of 50 x 16 operands.
 */
final class CpuAttention {
    private final CpuBackend backend;
    private final CpuKernels kernels;

    CpuAttention(CpuBackend backend, CpuKernels kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    /** qkv is (B, N, 3·H·D); see {@link dev.jvit.core.backend.Backend#attention}. */
    AttentionResult forward(NDArray qkv, int heads, float scale) {
        Geometry g = Geometry.of(qkv, heads);
        NDArray x = qkv.contiguous();
        NDArray out = backend.empty(DType.FLOAT32, new int[] {g.b, g.n, g.c});
        NDArray probs = backend.empty(DType.FLOAT32, new int[] {g.b, heads, g.n, g.n});
        float[] xs = CpuBackend.floats(x), os = CpuBackend.floats(out), ps = CpuBackend.floats(probs);
        int xBase = x.offset();
        StridedLoops.forRange(g.b * heads, g.flopsPerHead(), (from, to) -> {
            float[] scratch = new float[kernels.attentionScratch(g.n, g.d)];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int q = xBase + b * g.n * g.rowStride + h * g.d;
                kernels.attentionHead(xs, q, q + g.c, q + 2 * g.c, g.rowStride, g.n, g.d, scale,
                        ps, bh * g.n * g.n, os, b * g.n * g.c + h * g.d, g.c, scratch);
            }
        });
        return new AttentionResult(out, probs);
    }

    /** The gradient with respect to qkv, (B, N, 3·H·D), given the forward's probs and dOut (B, N, H·D). */
    NDArray backward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        Geometry g = Geometry.of(qkv, heads);
        requireShape("attention probs", probs, g.b, heads, g.n, g.n);
        requireShape("attention output gradient", dOut, g.b, g.n, g.c);
        NDArray x = qkv.contiguous(), p = probs.contiguous(), d = dOut.contiguous();
        NDArray dqkv = backend.empty(DType.FLOAT32, new int[] {g.b, g.n, 3 * g.c});
        float[] xs = CpuBackend.floats(x), ps = CpuBackend.floats(p), ds = CpuBackend.floats(d), gs = CpuBackend.floats(dqkv);
        int xBase = x.offset(), pBase = p.offset(), dBase = d.offset();
        StridedLoops.forRange(g.b * heads, 2 * g.flopsPerHead(), (from, to) -> {
            float[] scratch = new float[kernels.attentionScratch(g.n, g.d)];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int q = xBase + b * g.n * g.rowStride + h * g.d;
                int dq = b * g.n * g.rowStride + h * g.d;
                kernels.attentionHeadBackward(xs, q, q + g.c, q + 2 * g.c, g.rowStride, g.n, g.d, scale,
                        ps, pBase + bh * g.n * g.n, ds, dBase + b * g.n * g.c + h * g.d, g.c,
                        gs, dq, dq + g.c, dq + 2 * g.c, scratch);
            }
        });
        return dqkv;
    }

    private static void requireShape(String what, NDArray x, int... expected) {
        if (!java.util.Arrays.equals(x.shape(), expected)) {
            throw new IllegalArgumentException(what + " should be " + Shape.str(expected) + ", got " + Shape.str(x.shape()));
        }
    }

    /** B, N, C = H·D, D and the qkv row stride 3C, checked. */
    private record Geometry(int b, int n, int c, int d, int rowStride) {
        static Geometry of(NDArray qkv, int heads) {
            int[] s = qkv.shape();
            if (qkv.dtype() != DType.FLOAT32) throw new IllegalArgumentException("attention needs FLOAT32 qkv, got " + qkv.dtype());
            if (s.length != 3 || heads < 1 || s[2] == 0 || s[2] % (3 * heads) != 0) {
                throw new IllegalArgumentException("attention needs qkv of shape (B, N, 3*H*D) with H = " + heads
                        + ", got " + Shape.str(s));
            }
            int c = s[2] / 3;
            return new Geometry(s[0], s[1], c, c / heads, s[2]);
        }

        /** About the flops of one head's forward: two N x N x D products. */
        long flopsPerHead() {
            return 4L * n * n * d;
        }
    }
}
