package dev.jvit.vit.model;

import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Registry entries of the convolutional and MLP members of the family: {@code hybrid-vit-mnist}
 * ({@link HybridViT}, PyTorch twin reference/zoo_hybridvit.py), {@code conv-attn-mnist}
 * ({@link ConvAttentionNet}, reference/zoo_convattn.py) and {@code mixer-mnist} ({@link MlpMixer},
 * reference/zoo_mixer.py).
 */
public final class ConvPresets {
    private ConvPresets() {}

    public static List<ModelSpec> specs() {
        HybridViT h = HybridViT.mnist();
        ConvAttentionNet.Config a = ConvAttentionNet.Config.mnist();
        MlpMixer.Config m = MlpMixer.Config.mnist();
        return List.of(
                new Spec(h.name(), h.channels(), h.imageSize(), (n, g) -> h.withNumClasses(n).build(g),
                        n -> hybrid(h.withNumClasses(n))),
                new Spec(a.name(), a.channels(), a.imageSize(), (n, g) -> new ConvAttentionNet(a.withNumClasses(n), g),
                        n -> convAttention(a.withNumClasses(n))),
                new Spec(m.name(), m.channels(), m.imageSize(), (n, g) -> new MlpMixer(m.withNumClasses(n), g),
                        n -> mixer(m.withNumClasses(n))));
    }

    private static Map<String, Object> hybrid(HybridViT c) {
        Map<String, Object> m = head(c.name(), "hybridvit", c.imageSize(), c.channels(), c.numClasses());
        m.put("stemWidths", c.stemWidths());
        m.put("dim", c.dim());
        m.put("depth", c.depth());
        m.put("heads", c.heads());
        m.put("mlpDim", c.mlpDim());
        m.put("dropPath", c.dropPath());
        m.put("layerNormEps", c.vitConfig().layerNormEps());
        return m;
    }

    private static Map<String, Object> convAttention(ConvAttentionNet.Config c) {
        Map<String, Object> m = head(c.name(), "convattn", c.imageSize(), c.channels(), c.numClasses());
        m.put("stemWidths", c.stemWidths());
        m.put("depth", c.depth());
        m.put("heads", c.heads());
        return m;
    }

    private static Map<String, Object> mixer(MlpMixer.Config c) {
        Map<String, Object> m = head(c.name(), "mixer", c.imageSize(), c.channels(), c.numClasses());
        m.put("patchSize", c.patchSize());
        m.put("dim", c.dim());
        m.put("depth", c.depth());
        m.put("tokensHidden", c.tokensHidden());
        m.put("channelsHidden", c.channelsHidden());
        m.put("dropPath", c.dropPath());
        m.put("layerNormEps", MlpMixer.EPS);
        return m;
    }

    private static Map<String, Object> head(String name, String family, int imageSize, int channels, int classes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("family", family);
        m.put("imageSize", imageSize);
        m.put("channels", channels);
        m.put("numClasses", classes);
        return m;
    }

    /** One preset: how to build it and how to describe it to its PyTorch twin. */
    private record Spec(String name, int channels, int imageSize,
                        BiFunction<Integer, Generator, ? extends Module> factory, Function<Integer, Map<String, Object>> reference) implements ModelSpec {
        @Override
        public Models.Built create(int numClasses, Generator g) {
            Module m = factory.apply(numClasses, g);
            return new Models.Built(m, (Layer) m, imageSize, channels);
        }

        @Override
        public Map<String, Object> referenceConfig(int numClasses) {
            return reference.apply(numClasses);
        }
    }
}
