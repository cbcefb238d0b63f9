package dev.jvit.autograd.ops;

import dev.jvit.core.Shape;

import java.util.Arrays;

/** Dimension lists of the reductions, normalised the way {@link dev.jvit.core.NDArray} normalises them. */
final class Dims {
    private Dims() {}

    /** Sorted non-negative dims; none given means all. */
    static int[] normalise(int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = Shape.dim(dims[i], rank);
        Arrays.sort(d);
        return d;
    }

    /** shape with the reduced dims set to 1: the keepDim shape, to which a gradient is reshaped first. */
    static int[] keepShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) k[d] = 1;
        return k;
    }

    /** Number of elements reduced into each output element. */
    static long count(int[] shape, int[] dims) {
        long n = 1;
        for (int d : dims) n *= shape[d];
        return n;
    }
}
