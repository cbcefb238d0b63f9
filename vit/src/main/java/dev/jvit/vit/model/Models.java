package dev.jvit.vit.model;

import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** Builds a model by preset name: the ViT presets of {@link ViTConfig} and the course's hybrid model. */
public final class Models {
    public static final String HYBRID_MNIST = "hybrid-mnist";

    private Models() {}

    /** A model and its forward contract in one value. */
    public record Built(Module module, Layer layer, int imageSize, int channels) {}

    public static List<String> names() {
        List<String> n = new ArrayList<>(ViTConfig.presetNames());
        n.add(HYBRID_MNIST);
        return n;
    }

    /** The input a model expects, {channels, size} (square images), without building it. */
    public static int[] inputShape(String name) {
        if (name.equals(HYBRID_MNIST)) return new int[] {1, 28};
        ViTConfig c = ViTConfig.preset(name);
        return new int[] {c.channels(), c.imageSize()};
    }

    /** The named model for numClasses classes, initialised from g. */
    public static Built create(String name, int numClasses, Generator g) {
        if (name.equals(HYBRID_MNIST)) {
            if (numClasses != 10) throw new IllegalArgumentException(HYBRID_MNIST + " has 10 classes, the data has " + numClasses);
            HybridMnist m = new HybridMnist(g);
            return new Built(m, m, 28, 1);
        }
        ViTConfig c = ViTConfig.preset(name).withNumClasses(numClasses);
        VisionTransformer v = new VisionTransformer(c, g);
        return new Built(v, v, c.imageSize(), c.channels());
    }
}
