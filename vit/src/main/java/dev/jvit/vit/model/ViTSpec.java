package dev.jvit.vit.model;

import dev.jvit.core.Generator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link ViTConfig} preset as a registry entry: a plain {@link VisionTransformer}. */
record ViTSpec(ViTConfig config) implements ModelSpec {

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int channels() {
        return config.channels();
    }

    @Override
    public int imageSize() {
        return config.imageSize();
    }

    @Override
    public Models.Built create(int numClasses, Generator g) {
        VisionTransformer v = new VisionTransformer(config.withNumClasses(numClasses), g);
        return new Models.Built(v, v, config.imageSize(), config.channels());
    }

    @Override
    public ModelSpec withDropPath(float rate) {
        return new ViTSpec(config.withDropout(config.dropout(), config.attnDropout(), rate));
    }

    @Override
    public Map<String, Object> referenceConfig(int numClasses) {
        ViTConfig c = config.withNumClasses(numClasses);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("family", "vit");
        m.put("imageSize", c.imageSize());
        m.put("channels", c.channels());
        m.put("patchSize", c.patchSize());
        m.put("dim", c.dim());
        m.put("depth", c.depth());
        m.put("heads", c.heads());
        m.put("mlpDim", c.mlpDim());
        m.put("numClasses", c.numClasses());
        m.put("dropout", c.dropout());
        m.put("attnDropout", c.attnDropout());
        m.put("dropPath", c.dropPath());
        m.put("posEmbed", c.posEmbed().name().toLowerCase(Locale.ROOT));
        m.put("classToken", c.classToken());
        m.put("globalPool", c.globalPool());
        m.put("convPatchEmbed", c.convPatchEmbed());
        m.put("layerNormEps", c.layerNormEps());
        return m;
    }
}
