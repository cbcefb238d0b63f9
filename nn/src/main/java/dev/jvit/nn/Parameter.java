package dev.jvit.nn;

import dev.jvit.autograd.Tensor;

/**
 * One trainable tensor of a model, as {@link Module#namedParameters()} lists it: its dotted name in
 * PyTorch/timm form ({@code blocks.0.attn.qkv.weight}), the tensor itself, and whether weight decay should
 * apply. The module that owns a tensor decides the last: biases, norm weights, class tokens and position
 * embeddings are conventionally excluded from decay (timm's {@code no_weight_decay}).
 *
 * @param name    full dotted name, stable across runs (registration order)
 * @param tensor  the leaf tensor, requiring a gradient
 * @param decay   false for parameters an optimizer should not decay
 */
public record Parameter(String name, Tensor tensor, boolean decay) {
    public Parameter {
        if (!tensor.isLeaf() || !tensor.requiresGrad()) {
            throw new IllegalArgumentException("parameter " + name + " must be a leaf tensor that requires grad");
        }
    }
}
