package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.AttentionResult;
import dev.jvit.core.backend.AttentionShape;

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
        AttentionShape g = AttentionShape.of(qkv, heads);
        int n = g.n(), d = g.d(), c = g.c(), rs = g.rowStride();
        NDArray x = qkv.contiguous();
        NDArray out = backend.empty(DType.FLOAT32, new int[] {g.b(), n, c});
        NDArray probs = backend.empty(DType.FLOAT32, new int[] {g.b(), heads, n, n});
        float[] xs = CpuBackend.floats(x), os = CpuBackend.floats(out), ps = CpuBackend.floats(probs);
        int xBase = x.offset();
        StridedLoops.forRange(g.b() * heads, flopsPerHead(g), (from, to) -> {
            float[] scratch = new float[kernels.attentionScratch(n, d)];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int q = xBase + b * n * rs + h * d;
                kernels.attentionHead(xs, q, q + c, q + 2 * c, rs, n, d, scale,
                        ps, bh * n * n, os, b * n * c + h * d, c, scratch);
            }
        });
        return new AttentionResult(out, probs);
    }

    /** The gradient with respect to qkv, (B, N, 3·H·D), given the forward's probs and dOut (B, N, H·D). */
    NDArray backward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        AttentionShape g = AttentionShape.of(qkv, heads);
        g.checkBackward(probs, dOut);
        int n = g.n(), d = g.d(), c = g.c(), rs = g.rowStride();
        NDArray x = qkv.contiguous(), p = probs.contiguous(), o = dOut.contiguous();
        NDArray dqkv = backend.empty(DType.FLOAT32, new int[] {g.b(), n, rs});
        float[] xs = CpuBackend.floats(x), ps = CpuBackend.floats(p), ds = CpuBackend.floats(o), gs = CpuBackend.floats(dqkv);
        int xBase = x.offset(), pBase = p.offset(), dBase = o.offset();
        StridedLoops.forRange(g.b() * heads, 2 * flopsPerHead(g), (from, to) -> {
            float[] scratch = new float[kernels.attentionScratch(n, d)];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                int q = xBase + b * n * rs + h * d;
                int dq = b * n * rs + h * d;
                kernels.attentionHeadBackward(xs, q, q + c, q + 2 * c, rs, n, d, scale,
                        ps, pBase + bh * n * n, ds, dBase + b * n * c + h * d, c,
                        gs, dq, dq + c, dq + 2 * c, scratch);
            }
        });
        return dqkv;
    }

    /** About the flops of one head's forward: two N x N x D products. */
    private static long flopsPerHead(AttentionShape g) {
        return 4L * g.n() * g.n() * g.d();
    }
}
