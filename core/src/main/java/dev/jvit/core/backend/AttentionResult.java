package dev.jvit.core.backend;

import dev.jvit.core.NDArray;

/**
 * What the fused multi-head attention forward returns: the merged heads and the probabilities the backward
 * needs (and attention maps show).
 *
 * @param output (B, N, H·D), heads side by side as timm's {@code x.transpose(1, 2).reshape(B, N, C)} leaves them
 * @param probs  (B, H, N, N), softmax(q·kᵀ·scale) per head
 */
public record AttentionResult(NDArray output, NDArray probs) {}
