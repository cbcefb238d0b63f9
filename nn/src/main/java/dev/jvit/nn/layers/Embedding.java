package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.init.Init;

/**
 * A lookup table, PyTorch's {@code nn.Embedding(num, dim)}: weight (num, dim) initialised N(0, 1) and not
 * decayed. forward takes INT32 indices of any shape (...) and returns (..., dim); repeated indices
 * accumulate their gradients.
 */
public final class Embedding extends Module implements Layer {
    private final int num, dim;
    private final Tensor weight;

    public Embedding(int num, int dim, Generator g) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding needs positive sizes, got " + num + " x " + dim);
        this.num = num;
        this.dim = dim;
        this.weight = registerParameter("weight", Init.normal(NDArray.empty(DType.FLOAT32, num, dim), 0f, 1f, g), false);
    }

    /** indices (...) INT32 to (..., dim). */
    @Override
    public Tensor forward(Tensor indices) {
        if (indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException("Embedding needs INT32 indices, got " + indices.dtype() + " "
                    + Shape.str(indices.shape()));
        }
        int[] s = indices.shape();
        int[] out = java.util.Arrays.copyOf(s, s.length + 1);
        out[s.length] = dim;
        Tensor flat = Tensor.of(indices.value().reshape(-1));
        try {
            return weight.indexSelect(0, flat).reshape(out);
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException("Embedding of " + num + " entries: " + e.getMessage());
        }
    }

    public Tensor weight() {
        return weight;
    }
}
