package dev.jvit.core.cpu;

/** SKELETON: to be implemented. */
public final class PackedGemm implements Gemm {
    @Override public String name() { return "PackedGemm"; }
    @Override public void sgemm(int m, int n, int k, float[] a, int aOff, int aRowStride, int aColStride, float[] b, int bOff, int bRowStride, int bColStride, float[] c, int cOff, int ldc, boolean accumulate) { throw new UnsupportedOperationException("TODO"); }
}
