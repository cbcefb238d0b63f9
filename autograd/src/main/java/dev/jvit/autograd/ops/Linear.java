package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * A fully connected layer as one node: y = x · weightᵀ + bias with x (M, K), weight (N, K), bias (N) (inputs
 * x, weight[, bias]); y is (M, N). dx = g · weight, dweight = gᵀ · x, dbias = the column sums of g. One node
 * instead of transpose, matmul and a broadcast add lets the backend fuse the bias into the GEMM.
 */
public final class Linear extends Function {
    private boolean hasBias;

    @Override
    protected NDArray forward(NDArray... x) {
        hasBias = x.length > 2;
        NDArray bias = hasBias ? x[2] : null;
        save(x[0], x[1]);
        return x[0].backend().linear(x[0], x[1], bias);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0), w = saved(1);
        NDArray[] grads = new NDArray[hasBias ? 3 : 2];
        if (needsInputGrad(0)) grads[0] = g.matmul(w);
        if (needsInputGrad(1)) grads[1] = g.mT().matmul(x);
        if (hasBias && needsInputGrad(2)) grads[2] = g.sum(0);
        return grads;
    }
}
