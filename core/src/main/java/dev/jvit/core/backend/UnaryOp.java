package dev.jvit.core.backend;

/** Elementwise functions of one argument that every backend implements. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, TANH, ERF, ABS, RELU, SIGMOID,
    /** 1 where x &gt; 0, else 0: the derivative of ReLU, and a mask builder. */
    STEP
}
