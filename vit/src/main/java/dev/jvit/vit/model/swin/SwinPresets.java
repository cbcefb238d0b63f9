package dev.jvit.vit.model.swin;

import dev.jvit.core.Generator;
import dev.jvit.vit.model.ModelSpec;
import dev.jvit.vit.model.Models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Swin presets as registry entries ({@code swin-mnist}, {@code swin-t}) and their description for the
 * PyTorch twin, reference/zoo_swin.py (family "swin").
 */
public final class SwinPresets {
    private SwinPresets() {}

    public static List<ModelSpec> specs() {
        List<ModelSpec> out = new ArrayList<>();
        for (SwinConfig c : SwinConfig.presets()) out.add(new Spec(c));
        return out;
    }

    private record Spec(SwinConfig config) implements ModelSpec {
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
            SwinTransformer m = new SwinTransformer(config.withNumClasses(numClasses), g);
            return new Models.Built(m, m, config.imageSize(), config.channels());
        }

        @Override
        public ModelSpec withDropPath(float rate) {
            return new Spec(config.withDropPath(rate));
        }

        @Override
        public Map<String, Object> referenceConfig(int numClasses) {
            SwinConfig c = config.withNumClasses(numClasses);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("family", "swin");
            m.put("imageSize", c.imageSize());
            m.put("paddedSize", c.paddedSize());
            m.put("channels", c.channels());
            m.put("patchSize", c.patchSize());
            m.put("embedDim", c.embedDim());
            m.put("depths", c.depths());
            m.put("heads", c.heads());
            m.put("windowSize", c.windowSize());
            m.put("mlpRatio", c.mlpRatio());
            m.put("numClasses", c.numClasses());
            m.put("dropPath", c.dropPath());
            m.put("layerNormEps", c.layerNormEps());
            return m;
        }
    }
}
