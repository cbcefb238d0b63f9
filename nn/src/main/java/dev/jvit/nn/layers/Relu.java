package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/** max(x, 0), PyTorch's {@code nn.ReLU}. Elementwise, any shape. */
public final class Relu extends Module implements Layer {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
