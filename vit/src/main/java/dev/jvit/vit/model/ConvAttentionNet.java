package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.ConvSelfAttention;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * A small model built around the course's convolutional attention layer ({@link ConvSelfAttention}): a
 * convolutional stem, blocks of convolutional self-attention over the feature map's positions, global average
 * pooling, a norm and a linear head. x (B, C, H, W) gives logits (B, classes). Parameters {@code stem.*},
 * {@code blocks.0.query.weight}, ..., {@code norm.weight}, {@code head.weight}.
 */
public final class ConvAttentionNet extends Module implements Layer {

    /**
     * @param name       preset name
     * @param imageSize  input height = width
     * @param channels   input channels
     * @param stemWidths output channels of each stem stage (each halves the sides)
     * @param depth      convolutional attention blocks on the stem's map
     * @param heads      attention heads (stemWidths[last] must be a multiple)
     * @param numClasses classes of the head
     */
    public record Config(String name, int imageSize, int channels, int[] stemWidths, int depth, int heads,
                         int numClasses) {
        public Config {
            stemWidths = stemWidths.clone();
            if (stemWidths.length == 0) throw new IllegalArgumentException(name + ": the stem needs at least one stage");
            if (imageSize >> stemWidths.length <= 0) {
                throw new IllegalArgumentException(name + ": image size " + imageSize + " is too small for "
                        + stemWidths.length + " stem stages");
            }
        }

        @Override
        public int[] stemWidths() {
            return stemWidths.clone();
        }

        public int width() {
            return stemWidths[stemWidths.length - 1];
        }

        public Config withNumClasses(int n) {
            return new Config(name, imageSize, channels, stemWidths, depth, heads, n);
        }

        /** MNIST: stem 1→24→48 (28 → 7×7), one conv-attention block of 48 channels, 4 heads. */
        public static Config mnist() {
            return new Config("conv-attn-mnist", 28, 1, new int[] {24, 48}, 1, 4, 10);
        }
    }

    private final Config config;
    private final ConvStem stem;
    private final List<ConvSelfAttention> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear head;

    public ConvAttentionNet(Config c, Generator g) {
        this.config = c;
        this.stem = registerModule("stem", new ConvStem(c.channels(), c.stemWidths(), g));
        ModuleList list = registerModule("blocks", new ModuleList());
        for (int i = 0; i < c.depth(); i++) blocks.add(list.add(new ConvSelfAttention(c.width(), c.heads(), g)));
        this.norm = registerModule("norm", new LayerNorm(c.width(), 1e-5f));
        this.head = registerModule("head", new Linear(c.width(), c.numClasses(), g));
    }

    /** x (B, C, H, W) to logits (B, classes). */
    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(config.name() + " expects images (B, " + config.channels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + "), got " + Shape.str(s));
        }
        Tensor f = stem.forward(x); // (B, W, h, w)
        for (ConvSelfAttention b : blocks) f = b.forward(f);
        return head.forward(norm.forward(f.mean(2, 3))); // global average pool (B, W)
    }

    public Config config() {
        return config;
    }

    public List<ConvSelfAttention> blocks() {
        return List.copyOf(blocks);
    }
}
