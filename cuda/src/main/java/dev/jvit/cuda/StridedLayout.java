package dev.jvit.cuda;

import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.util.Arrays;

/**
 * The iteration space of an elementwise kernel: several operands laid over one shape, operand k's element
 * (i0, i1, ...) at {@code sum i_d * strides[k][d]} from its base pointer. {@link #of} drops size-1 dimensions
 * and merges neighbours that are contiguous relative to each other in every operand, so the usual cases (all
 * contiguous, or contiguous plus a broadcast scalar) become one dimension and take the kernels' "_1d" path.
 * {@link #pack} writes the {@code Layout} struct of common.cuh: rank, shape[8], stride[4][8].
 */
public final class StridedLayout {
    /** Dimensions a kernel's Layout struct holds. */
    public static final int MAX_DIMS = 8;
    /** Operands a kernel's Layout struct holds. */
    public static final int MAX_OPERANDS = 4;
    /** Ints in the packed struct. */
    public static final int PACKED_INTS = 1 + MAX_DIMS + MAX_OPERANDS * MAX_DIMS;

    private final int[] shape;
    private final int[][] strides;

    private StridedLayout(int[] shape, int[][] strides) {
        this.shape = shape;
        this.strides = strides;
    }

    /** The collapsed layout of operands with these strides over {@code shape}. */
    public static StridedLayout of(int[] shape, int[]... strides) {
        int ops = strides.length;
        int[] s = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(st, rank - 1, strides, d, shape[d])) {
                // the previous kept dim continues into this one: fold it in
                s[rank - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][rank - 1] = strides[k][d];
            } else {
                s[rank] = shape[d];
                for (int k = 0; k < ops; k++) st[k][rank] = strides[k][d];
                rank++;
            }
        }
        int[][] out = new int[ops][];
        for (int k = 0; k < ops; k++) out[k] = Arrays.copyOf(st[k], rank);
        return new StridedLayout(Arrays.copyOf(s, rank), out);
    }

    /** Outer dim (stride so, size n) followed by inner dim (stride si, size m) is one dim when so = si*m. */
    private static boolean mergeable(int[][] st, int outer, int[][] strides, int d, int size) {
        for (int k = 0; k < st.length; k++) {
            if ((long) st[k][outer] != (long) strides[k][d] * size) return false;
        }
        return true;
    }

    /**
     * Strides for reading x as if it had the broadcast shape {@code shape}: dimensions x lacks (on the left)
     * or has with size 1 get stride 0.
     */
    public static int[] broadcastStrides(NDArray x, int[] shape) {
        int[] xs = x.shape(), st = x.strides();
        int lead = shape.length - xs.length;
        int[] out = new int[shape.length];
        for (int i = lead; i < shape.length; i++) out[i] = xs[i - lead] == 1 && shape[i] != 1 ? 0 : st[i - lead];
        return out;
    }

    public int rank() {
        return shape.length;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int stride(int operand, int dim) {
        return strides[operand][dim];
    }

    public long numel() {
        return Shape.numel(shape);
    }

    /** The layout of dimensions [from, rank). */
    public StridedLayout inner(int from) {
        int[][] st = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) st[k] = Arrays.copyOfRange(strides[k], from, shape.length);
        return new StridedLayout(Arrays.copyOfRange(shape, from, shape.length), st);
    }

    /**
     * The element offset of operand k at position {@code index} of the row-major walk over the first
     * {@code dims} dimensions (used to split a layout of more than {@link #MAX_DIMS} dimensions).
     */
    public long outerOffset(int k, long index, int dims) {
        long off = 0;
        for (int d = dims - 1; d >= 0; d--) {
            off += (index % shape[d]) * strides[k][d];
            index /= shape[d];
        }
        return off;
    }

    /** The Layout struct of common.cuh; only for rank <= 8 and at most 4 operands. */
    public int[] pack() {
        if (shape.length > MAX_DIMS || strides.length > MAX_OPERANDS) {
            throw new IllegalStateException("layout of rank " + shape.length + " with " + strides.length
                    + " operands does not fit the kernel's Layout struct");
        }
        int[] p = new int[PACKED_INTS];
        p[0] = shape.length;
        System.arraycopy(shape, 0, p, 1, shape.length);
        for (int k = 0; k < strides.length; k++) {
            System.arraycopy(strides[k], 0, p, 1 + MAX_DIMS + k * MAX_DIMS, shape.length);
        }
        return p;
    }
}
