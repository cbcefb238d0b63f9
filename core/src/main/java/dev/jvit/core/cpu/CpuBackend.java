package dev.jvit.core.cpu;

import dev.jvit.core.*;
import dev.jvit.core.backend.*;

/** SKELETON: to be implemented (layout, strides, broadcasting, threading) over CpuKernels and Gemm. */
public final class CpuBackend implements Backend {
    private final CpuKernels kernels;
    private final Gemm gemm;

    public CpuBackend(CpuKernels kernels, Gemm gemm) {
        this.kernels = kernels;
        this.gemm = gemm;
    }

    public static CpuBackend fromSystemProperties() {
        return new CpuBackend(new ScalarKernels(), new ScalarGemm());
    }

    private static UnsupportedOperationException todo() { return new UnsupportedOperationException("TODO"); }

    @Override public String name() { return "cpu (" + kernels.name() + ")"; }
    @Override public Device device() { return Device.CPU; }
    @Override public NDArray empty(DType dtype, int[] shape) { return NDArray.wrap(CpuStorage.allocate(dtype, (int) Shape.numel(shape)), shape); }
    @Override public NDArray fromHost(float[] data, int[] shape) { return NDArray.wrap(CpuStorage.of(data), shape); }
    @Override public NDArray fromHost(int[] data, int[] shape) { return NDArray.wrap(CpuStorage.of(data), shape); }
    @Override public float[] toHostFloats(NDArray x) { throw todo(); }
    @Override public int[] toHostInts(NDArray x) { throw todo(); }
    @Override public void fill(NDArray dst, float value) { throw todo(); }
    @Override public void copyInto(NDArray src, NDArray dst) { throw todo(); }
    @Override public void unaryInto(UnaryOp op, NDArray x, NDArray out) { throw todo(); }
    @Override public void powScalarInto(NDArray x, float exponent, NDArray out) { throw todo(); }
    @Override public void binaryInto(BinaryOp op, NDArray a, NDArray b, NDArray out) { throw todo(); }
    @Override public void whereInto(NDArray cond, NDArray a, NDArray b, NDArray out) { throw todo(); }
    @Override public NDArray reduce(ReduceOp op, NDArray x, int[] dims, boolean keepDim) { throw todo(); }
    @Override public NDArray variance(NDArray x, int[] dims, int correction, boolean keepDim) { throw todo(); }
    @Override public NDArray argmax(NDArray x, int dim, boolean keepDim) { throw todo(); }
    @Override public NDArray matmul(NDArray a, NDArray b) { throw todo(); }
    @Override public NDArray concat(NDArray[] xs, int dim) { throw todo(); }
    @Override public NDArray indexSelect(NDArray x, int dim, NDArray index) { throw todo(); }
    @Override public void indexAddInto(NDArray dst, int dim, NDArray index, NDArray src) { throw todo(); }
    @Override public NDArray gather(NDArray x, int dim, NDArray index) { throw todo(); }
    @Override public void scatterAddInto(NDArray dst, int dim, NDArray index, NDArray src) { throw todo(); }
    @Override public void uniform(NDArray dst, float low, float high, Generator g) { throw todo(); }
    @Override public void normal(NDArray dst, float mean, float std, Generator g) { throw todo(); }
    @Override public NDArray softmax(NDArray x) { throw todo(); }
    @Override public NDArray logSoftmax(NDArray x) { throw todo(); }
    @Override public NDArray softmaxBackward(NDArray y, NDArray dy) { throw todo(); }
    @Override public NDArray logSoftmaxBackward(NDArray y, NDArray dy) { throw todo(); }
    @Override public LayerNormResult layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) { throw todo(); }
    @Override public LayerNormGrads layerNormBackward(NDArray dy, NDArray x, NDArray weight, NDArray mean, NDArray rstd, boolean hasBias) { throw todo(); }
    @Override public NDArray gelu(NDArray x, GeluApproximation approximation) { throw todo(); }
    @Override public NDArray geluBackward(NDArray x, NDArray dy, GeluApproximation approximation) { throw todo(); }
}
