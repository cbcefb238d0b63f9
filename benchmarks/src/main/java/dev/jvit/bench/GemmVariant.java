package dev.jvit.bench;

import dev.jvit.core.cpu.Gemm;
import dev.jvit.core.cpu.PackedGemm;
import dev.jvit.core.cpu.ScalarGemm;

/**
 * The GEMM implementations the benchmarks compare (DESIGN point 6: keep the variants, ship the winner).
 * PACKED is what the CPU backend ships; SCALAR is the reference triple loop it is measured against.
 */
public enum GemmVariant {
    PACKED, SCALAR;

    public Gemm create() {
        return switch (this) {
            case PACKED -> new PackedGemm();
            case SCALAR -> new ScalarGemm();
        };
    }

    /** Parses "packed" or "scalar" (any case), naming the choices when the value is neither. */
    public static GemmVariant parse(String s) {
        for (GemmVariant v : values()) {
            if (v.name().equalsIgnoreCase(s.trim())) return v;
        }
        throw new IllegalArgumentException("unknown gemm kernel '" + s + "', expected packed or scalar");
    }

    /** Floating-point operations of an m x k times k x n product: one multiply and one add per term. */
    public static double flops(int m, int n, int k) {
        return 2.0 * m * n * k;
    }
}
