package dev.jvit.vit.model;

import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of model presets: the ViT presets of {@link ViTConfig}, the course's hybrid model and the wider
 * family (each family adds its {@link ModelSpec}s in {@link #registry()}). Everything that takes a
 * {@code --config NAME} (training, evaluation, the benchmarks) looks the name up here.
 */
public final class Models {
    public static final String HYBRID_MNIST = "hybrid-mnist";

    private static final Map<String, ModelSpec> SPECS = registry();

    private Models() {}

    /** A model and its forward contract in one value. */
    public record Built(Module module, Layer layer, int imageSize, int channels) {}

    private static Map<String, ModelSpec> registry() {
        List<ModelSpec> all = new ArrayList<>();
        for (String n : ViTConfig.presetNames()) all.add(new ViTSpec(ViTConfig.preset(n)));
        all.add(HybridMnist.SPEC);
        all.addAll(DeitSpec.specs());
        all.addAll(dev.jvit.vit.model.swin.SwinPresets.specs());
        all.addAll(ConvPresets.specs());
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        for (ModelSpec s : all) {
            if (m.put(s.name(), s) != null) throw new IllegalStateException("two model presets named " + s.name());
        }
        return m;
    }

    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** The preset called name; the error lists the known ones. */
    public static ModelSpec spec(String name) {
        ModelSpec s = SPECS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return s;
    }

    /** The input a model expects, {channels, size} (square images), without building it. */
    public static int[] inputShape(String name) {
        ModelSpec s = spec(name);
        return new int[] {s.channels(), s.imageSize()};
    }

    /** The named model for numClasses classes, initialised from g. */
    public static Built create(String name, int numClasses, Generator g) {
        return spec(name).create(numClasses, g);
    }
}
