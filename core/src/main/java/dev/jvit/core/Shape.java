package dev.jvit.core;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every backend: element counts, row-major strides, broadcasting and the
 * wording of shape errors. Shapes are plain {@code int[]}; a 0-dimensional shape {@code []} is a scalar.
 */
public final class Shape {
    private Shape() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Row-major (C order) strides for a contiguous array of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** The NumPy/PyTorch broadcast of two shapes: align from the right; sizes must match or be 1. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative dimension index against a rank, with a clear error when out of range. */
    public static int dim(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IndexOutOfBoundsException("dimension " + dim + " is out of range for a "
                    + rank + "-dimensional array (expected " + (-rank) + ".." + (rank - 1) + ")");
        }
        return d;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }

    /** Replaces a single -1 entry with the size that keeps the element count, checking compatibility. */
    public static int[] inferReshape(int[] from, int[] to) {
        int[] out = to.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("only one dimension can be -1 in " + str(to));
                unknown = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("negative size in shape " + str(to));
            } else {
                known *= out[i];
            }
        }
        long total = numel(from);
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + str(from) + " (" + total
                        + " elements) to " + str(to));
            }
            out[unknown] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + str(from) + " (" + total
                    + " elements) to " + str(to) + " (" + known + " elements)");
        }
        return out;
    }
}
