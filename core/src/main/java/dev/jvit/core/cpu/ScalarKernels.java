package dev.jvit.core.cpu;

import dev.jvit.core.backend.*;

/** SKELETON: to be implemented. */
public final class ScalarKernels implements CpuKernels {
    private static UnsupportedOperationException todo() { return new UnsupportedOperationException("TODO"); }
    @Override public String name() { return "ScalarKernels"; }
    @Override public void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n) { throw todo(); }
    @Override public void powScalar(float[] x, int xOff, int xStride, float exponent, float[] out, int outOff, int n) { throw todo(); }
    @Override public void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride, float[] out, int outOff, int n) { throw todo(); }
    @Override public float sum(float[] x, int off, int stride, int n) { throw todo(); }
    @Override public float max(float[] x, int off, int stride, int n) { throw todo(); }
    @Override public float min(float[] x, int off, int stride, int n) { throw todo(); }
    @Override public void accumulate(ReduceOp op, float[] x, int xOff, int xStride, float[] acc, int accOff, int n) { throw todo(); }
    @Override public void softmaxRow(float[] x, int xOff, float[] out, int outOff, int n) { throw todo(); }
    @Override public void logSoftmaxRow(float[] x, int xOff, float[] out, int outOff, int n) { throw todo(); }
    @Override public void softmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { throw todo(); }
    @Override public void logSoftmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { throw todo(); }
    @Override public void layerNormRow(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n, float[] mean, float[] rstd, int row) { throw todo(); }
    @Override public void layerNormBackwardRow(float[] dy, int dyOff, float[] x, int xOff, float[] w, float mean, float rstd, float[] dx, int dxOff, float[] dw, float[] db, int n) { throw todo(); }
    @Override public void gelu(GeluApproximation approximation, float[] x, int xOff, float[] out, int outOff, int n) { throw todo(); }
    @Override public void geluBackward(GeluApproximation approximation, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { throw todo(); }
}
