package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.Linear;
import dev.jvit.nn.layers.MultiHeadSelfAttention;

import java.util.Map;

/**
 * The course's hybrid model: fully connected layers with self-attention between them,
 * {@code Linear 784→128, ReLU, self-attention, Linear 128→64, ReLU, self-attention, Linear 64→10}.
 * Each image's hidden vector is one token, so attention runs over a sequence of length one: the softmax is
 * exactly 1 and the attention computes proj(value(x)), a learned linear map with the attention's parameters.
 * That is what the course's per-image model computes; its accuracy (about 97% on MNIST after 5 epochs of Adam
 * at 1e-3) comes from the linear layers.
 */
public final class HybridMnist extends Module implements Layer {
    /** Its registry entry: 28x28 grey images, 10 classes only. */
    static final ModelSpec SPEC = new ModelSpec() {
        @Override
        public String name() {
            return Models.HYBRID_MNIST;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int imageSize() {
            return 28;
        }

        @Override
        public Models.Built create(int numClasses, Generator g) {
            if (numClasses != 10) throw new IllegalArgumentException(Models.HYBRID_MNIST + " has 10 classes, the data has " + numClasses);
            HybridMnist m = new HybridMnist(g);
            return new Models.Built(m, m, 28, 1);
        }

        @Override
        public Map<String, Object> referenceConfig(int numClasses) {
            return Map.of("name", Models.HYBRID_MNIST, "family", Models.HYBRID_MNIST);
        }
    };

    private final Linear fc1, fc2, fc3;
    private final MultiHeadSelfAttention attn1, attn2;

    public HybridMnist(Generator g) {
        fc1 = registerModule("fc1", new Linear(784, 128, g));
        attn1 = registerModule("attn1", new MultiHeadSelfAttention(128, 1, g));
        fc2 = registerModule("fc2", new Linear(128, 64, g));
        attn2 = registerModule("attn2", new MultiHeadSelfAttention(64, 1, g));
        fc3 = registerModule("fc3", new Linear(64, 10, g));
    }

    /** x (B, 1, 28, 28) or (B, 784) to logits (B, 10). */
    @Override
    public Tensor forward(Tensor x) {
        int b = x.size(0);
        Tensor h = fc1.forward(x.reshape(b, 784)).relu();
        h = attn1.forward(h.unsqueeze(1)).squeeze(1);
        h = fc2.forward(h).relu();
        h = attn2.forward(h.unsqueeze(1)).squeeze(1);
        return fc3.forward(h);
    }
}
