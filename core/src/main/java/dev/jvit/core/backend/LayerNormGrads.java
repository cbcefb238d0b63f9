package dev.jvit.core.backend;

import dev.jvit.core.NDArray;

/**
 * Gradients of a fused layer norm.
 *
 * @param dx      same shape as x (..., C)
 * @param dweight shape (C), or null when the layer norm had no weight
 * @param dbias   shape (C), or null when the layer norm had no bias
 */
public record LayerNormGrads(NDArray dx, NDArray dweight, NDArray dbias) {}
