package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.AttentionResult;
import dev.jvit.core.backend.AttentionShape;

/**
 * The fused multi-head attention on the GPU (attention.cu), the twin of the CPU backend's CpuAttention: q, k
 * and v read where timm's qkv projection left them, the heads written merged. One launch forward, two
 * backward (query rows, then key rows), instead of the composed path's permutes, two batched GEMMs and a
 * softmax each way: for a tiny model the launches are the cost.
 */
final class CudaAttention {
    /** Threads per block: a head of a small ViT has 50 to 200 rows. */
    private static final int THREADS = 64;
    /** CUDA's limit on grid.y, which runs over the B·H heads. */
    static final int MAX_HEADS = 65_535;

    private final CudaBackend backend;

    CudaAttention(CudaBackend backend) {
        this.backend = backend;
    }

    /** Whether the fused kernels take this batch (else the composed default is used). */
    static boolean fits(NDArray qkv, int heads) {
        return qkv.rank() == 3 && (long) qkv.size(0) * heads <= MAX_HEADS;
    }

    AttentionResult forward(NDArray qkv, int heads, float scale) {
        AttentionShape g = AttentionShape.of(qkv, heads);
        int b = g.b(), n = g.n(), c = g.c(), d = g.d();
        NDArray x = backend.contiguous(qkv);
        NDArray out = backend.empty(DType.FLOAT32, new int[] {b, n, c});
        NDArray probs = backend.empty(DType.FLOAT32, new int[] {b, heads, n, n});
        if (out.numel() > 0) {
            backend.api().launch("attention", "attention_forward", grid(n, b * heads), n, heads, d, scale,
                    backend.ptr(x), backend.ptr(probs), backend.ptr(out));
        }
        return new AttentionResult(out, probs);
    }

    NDArray backward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        AttentionShape g = AttentionShape.of(qkv, heads);
        g.checkBackward(probs, dOut);
        int b = g.b(), n = g.n(), c = g.c(), d = g.d();
        CudaBackend.requireFloat(probs, dOut);
        NDArray x = backend.contiguous(qkv), p = backend.contiguous(probs), o = backend.contiguous(dOut);
        NDArray dqkv = backend.empty(DType.FLOAT32, new int[] {b, n, 3 * c});
        NDArray rowDot = backend.empty(DType.FLOAT32, new int[] {b, heads, n});
        if (dqkv.numel() > 0) {
            Grid grid = grid(n, b * heads);
            backend.api().launch("attention", "attention_backward_q", grid, n, heads, d, scale, backend.ptr(x),
                    backend.ptr(p), backend.ptr(o), backend.ptr(rowDot), backend.ptr(dqkv));
            backend.api().launch("attention", "attention_backward_kv", grid, n, heads, d, scale, backend.ptr(x),
                    backend.ptr(p), backend.ptr(o), backend.ptr(rowDot), backend.ptr(dqkv));
        }
        return dqkv;
    }

    private static Grid grid(int rows, int heads) {
        return new Grid(Math.max(1, (rows + THREADS - 1) / THREADS), heads, 1, THREADS, 0);
    }
}
