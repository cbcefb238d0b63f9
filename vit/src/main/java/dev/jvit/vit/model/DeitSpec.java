package dev.jvit.vit.model;

import dev.jvit.core.Generator;

import java.util.List;
import java.util.Map;

/**
 * The DeiT presets as registry entries: a {@link ViTConfig} built as a {@link DistilledVisionTransformer}, and
 * described to the PyTorch twin (reference/zoo_deit.py, family "deit") with the same fields as a plain ViT.
 */
record DeitSpec(ViTConfig config) implements ModelSpec {

    /**
     * deit-mnist: 28×28 digits as 7×7 patches of 4×4 (49 patches + class + distillation token), dim 64, depth 4,
     * 4 heads, MLP 128, learned positions as DeiT, drop path 0.05 at the last block. Small enough for a
     * distillation run to finish on one core in well under 15 minutes.
     */
    static ViTConfig deitMnist() {
        return new ViTConfig("deit-mnist", 28, 1, 7, 64, 4, 4, 128, 10, 0f, 0f, 0.05f,
                PositionEmbedding.LEARNED, true, false, false, 1e-6f);
    }

    static List<ModelSpec> specs() {
        return List.of(new DeitSpec(deitMnist()));
    }

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
        DistilledVisionTransformer m = new DistilledVisionTransformer(config.withNumClasses(numClasses), g);
        return new Models.Built(m, m, config.imageSize(), config.channels());
    }

    @Override
    public ModelSpec withDropPath(float rate) {
        return new DeitSpec(config.withDropout(config.dropout(), config.attnDropout(), rate));
    }

    @Override
    public Map<String, Object> referenceConfig(int numClasses) {
        Map<String, Object> m = new ViTSpec(config).referenceConfig(numClasses);
        m.put("family", "deit");
        return m;
    }
}
