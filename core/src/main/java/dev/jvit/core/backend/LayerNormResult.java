package dev.jvit.core.backend;

import dev.jvit.core.NDArray;

/**
 * Output of a fused layer norm over the last dimension, with what the backward pass needs.
 *
 * @param y    normalised output, same shape as x (..., C)
 * @param mean per-row mean, shape (...) (x's shape without the last dimension)
 * @param rstd per-row 1/sqrt(var + eps), shape (...)
 */
public record LayerNormResult(NDArray y, NDArray mean, NDArray rstd) {}
