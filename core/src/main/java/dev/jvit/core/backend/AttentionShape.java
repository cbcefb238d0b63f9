package dev.jvit.core.backend;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.util.Arrays;

/**
 * The geometry of {@link Backend#attention}'s qkv (B, N, 3·H·D), checked once for every backend: the
 * reference composition, the CPU kernel and the CUDA kernel all read it from here.
 *
 * @param b     batch
 * @param n     tokens
 * @param heads H
 * @param d     head width D
 */
public record AttentionShape(int b, int n, int heads, int d) {

    /** The shape of a FLOAT32 qkv of (B, N, 3·H·D) with H = heads; a clear error otherwise. */
    public static AttentionShape of(NDArray qkv, int heads) {
        if (qkv.dtype() != DType.FLOAT32) throw new IllegalArgumentException("attention needs FLOAT32 qkv, got " + qkv.dtype());
        int[] s = qkv.shape();
        if (s.length != 3 || heads < 1 || s[2] == 0 || s[2] % (3 * heads) != 0) {
            throw new IllegalArgumentException("attention needs qkv of shape (B, N, 3*H*D) with H = " + heads
                    + ", got " + Shape.str(s));
        }
        return new AttentionShape(s[0], s[1], heads, s[2] / (3 * heads));
    }

    /** H·D, the width of the merged heads. */
    public int c() {
        return heads * d;
    }

    /** 3·H·D, the length of a qkv row. */
    public int rowStride() {
        return 3 * c();
    }

    /** Checks the backward's probs (B, H, N, N) and output gradient (B, N, H·D) against this forward. */
    public void checkBackward(NDArray probs, NDArray dOut) {
        requireShape("attention probs", probs, b, heads, n, n);
        requireShape("attention output gradient", dOut, b, n, c());
    }

    private static void requireShape(String what, NDArray x, int... expected) {
        if (!Arrays.equals(x.shape(), expected)) {
            throw new IllegalArgumentException(what + " should be " + Shape.str(expected) + ", got " + Shape.str(x.shape()));
        }
    }
}
