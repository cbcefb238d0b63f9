package dev.jvit.nn;

import dev.jvit.autograd.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layers applied one after another, as PyTorch's {@code nn.Sequential}: children are registered under
 * "0", "1", ... so the state dict reads {@code 0.weight}, {@code 2.bias} exactly as PyTorch writes it.
 * <pre>
 *   Sequential mlp = Sequential.of(new Linear(4, 16, g), new Relu(), new Linear(16, 3, g));
 *   Tensor y = mlp.forward(x);
 * </pre>
 */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential() {}

    /** A Sequential holding the given layers in order. */
    @SafeVarargs
    public static <L extends Module & Layer> Sequential of(L... layers) {
        Sequential s = new Sequential();
        for (L l : layers) s.add(l);
        return s;
    }

    /** Appends a layer under the next index and returns this, for chaining. */
    public <L extends Module & Layer> Sequential add(L layer) {
        if (layer == null) throw new NullPointerException("Sequential cannot hold a null layer");
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    /** The i-th layer. */
    public Layer get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential has " + layers.size() + " layers, no index " + i);
        }
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }
}
