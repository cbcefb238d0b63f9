package dev.jvit.bench;

import dev.jvit.core.cpu.Gemm;
import dev.jvit.core.cpu.PackedGemm;
import dev.jvit.core.cpu.ScalarGemm;

/**
 * The GEMM implementations the benchmarks compare (DESIGN point 6: keep the variants, ship the winner).
 * PACKED is what the CPU backend ships (A read in place for skinny products, packed otherwise); PACK_A is
 * the same GEMM with A always packed, the textbook algorithm it grew from; IN_PLACE_A reads every row-major
 * A in place, whatever N; SCALAR is the reference triple loop they are all measured against.
 */
public enum GemmVariant {
    PACKED, PACK_A, IN_PLACE_A, SCALAR;

    public Gemm create() {
        return switch (this) {
            case PACKED -> new PackedGemm();
            case PACK_A -> new PackedGemm(PackedGemm.Blocking.ZEN4, PackedGemm.APacking.ALWAYS);
            case IN_PLACE_A -> new PackedGemm(PackedGemm.Blocking.ZEN4, PackedGemm.APacking.WHEN_STRIDED);
            case SCALAR -> new ScalarGemm();
        };
    }

    /** Parses a variant name in any case, '-' or '_' between words, naming the choices when it is none of them. */
    public static GemmVariant parse(String s) {
        String name = s.trim().replace('-', '_');
        for (GemmVariant v : values()) {
            if (v.name().equalsIgnoreCase(name)) return v;
        }
        throw new IllegalArgumentException("unknown gemm kernel '" + s + "', expected packed, pack-a, in-place-a or scalar");
    }

    /** The name as the command line takes it: lower case, words joined by '-'. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Floating-point operations of an m x k times k x n product: one multiply and one add per term. */
    public static double flops(int m, int n, int k) {
        return 2.0 * m * n * k;
    }
}
