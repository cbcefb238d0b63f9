package dev.jvit.core.backend;

/** The two GELU forms of PyTorch: exact {@code x·Φ(x)} with erf, and the tanh approximation. */
public enum GeluApproximation {
    /** {@code 0.5·x·(1 + erf(x/√2))}. */
    NONE,
    /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
    TANH
}
