package dev.jvit.core.backend;

/** Reductions over a set of dimensions. Variance has its own entry point because it takes a correction. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN
}
