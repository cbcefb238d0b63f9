package dev.jvit.nn;

import dev.jvit.autograd.Tensor;

/**
 * The forward contract of a single-input module: one tensor in, one tensor out. Layers are {@link Module}s
 * that also implement this interface, so {@link Sequential} can chain them and keep the type checker's help:
 * a module with several inputs (attention with a mask) adds its own overloads beside this one.
 */
public interface Layer {
    /** Computes the output for x; the shapes are documented on each implementation. */
    Tensor forward(Tensor x);
}
