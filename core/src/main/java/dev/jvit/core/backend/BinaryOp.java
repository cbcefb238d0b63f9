package dev.jvit.core.backend;

/**
 * Elementwise functions of two broadcast arguments. Comparisons return float32 1.0 or 0.0 (jvit has no
 * boolean dtype; a 0/1 float mask multiplies straight into a gradient).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW,
    EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
