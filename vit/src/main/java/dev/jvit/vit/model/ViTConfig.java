package dev.jvit.vit.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that shapes a Vision Transformer, with the named presets of the project.
 *
 * @param name           preset name
 * @param imageSize      input height = width
 * @param channels       input channels
 * @param patchSize      side of a square patch; imageSize must be a multiple of it
 * @param dim            token width (embed_dim)
 * @param depth          number of encoder blocks
 * @param heads          attention heads; dim must be a multiple of it
 * @param mlpDim         hidden width of each block's MLP
 * @param numClasses     classes of the head
 * @param dropout        dropout after position embedding, in the MLP and after attention projections
 * @param attnDropout    dropout on the attention weights
 * @param dropPath       stochastic depth rate of the last block (rates grow linearly from 0)
 * @param posEmbed       position embedding kind
 * @param classToken     prepend a learnable class token (else pool over patches)
 * @param globalPool     classify from the mean of the patch tokens instead of the class token
 * @param convPatchEmbed embed patches with a strided Conv2d instead of patchify + Linear (same weights)
 * @param layerNormEps   eps of every LayerNorm (timm uses 1e-6)
 */
public record ViTConfig(String name, int imageSize, int channels, int patchSize, int dim, int depth, int heads,
                        int mlpDim, int numClasses, float dropout, float attnDropout, float dropPath,
                        PositionEmbedding posEmbed, boolean classToken, boolean globalPool,
                        boolean convPatchEmbed, float layerNormEps) {

    public ViTConfig {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(name + ": image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        if (dim % heads != 0) throw new IllegalArgumentException(name + ": dim " + dim + " is not a multiple of " + heads + " heads");
        if (!classToken && !globalPool) throw new IllegalArgumentException(name + ": without a class token, use global pooling");
        if (posEmbed == PositionEmbedding.SINCOS2D && dim % 2 != 0) {
            throw new IllegalArgumentException(name + ": sincos2d needs an even dim, got " + dim);
        }
    }

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    public int patchDim() {
        return channels * patchSize * patchSize;
    }

    /** Tokens per image, class token included. */
    public int tokens() {
        return numPatches() + (classToken ? 1 : 0);
    }

    public ViTConfig withNumClasses(int n) {
        return new ViTConfig(name, imageSize, channels, patchSize, dim, depth, heads, mlpDim, n, dropout,
                attnDropout, dropPath, posEmbed, classToken, globalPool, convPatchEmbed, layerNormEps);
    }

    public ViTConfig withDropout(float drop, float attnDrop, float path) {
        return new ViTConfig(name, imageSize, channels, patchSize, dim, depth, heads, mlpDim, numClasses, drop,
                attnDrop, path, posEmbed, classToken, globalPool, convPatchEmbed, layerNormEps);
    }

    public ViTConfig withPosEmbed(PositionEmbedding p) {
        return new ViTConfig(name, imageSize, channels, patchSize, dim, depth, heads, mlpDim, numClasses, dropout,
                attnDropout, dropPath, p, classToken, globalPool, convPatchEmbed, layerNormEps);
    }

    public ViTConfig withConvPatchEmbed(boolean conv) {
        return new ViTConfig(name, imageSize, channels, patchSize, dim, depth, heads, mlpDim, numClasses, dropout,
                attnDropout, dropPath, posEmbed, classToken, globalPool, conv, layerNormEps);
    }

    public ViTConfig withGlobalPool(boolean pool) {
        return new ViTConfig(name, imageSize, channels, patchSize, dim, depth, heads, mlpDim, numClasses, dropout,
                attnDropout, dropPath, posEmbed, classToken, pool, convPatchEmbed, layerNormEps);
    }

    // ---- presets -----------------------------------------------------------------------------------

    /** The course's exercise: 28×28 MNIST as 7×7 patches of 4×4, hidden 8, 2 heads, 2 blocks, MLP ratio 4. */
    public static ViTConfig mnistTiny() {
        return new ViTConfig("mnist-tiny", 28, 1, 4, 8, 2, 2, 32, 10, 0f, 0f, 0f,
                PositionEmbedding.SINCOS1D, true, false, false, 1e-5f);
    }

    /** The default of ./jvit train: patch 4, dim 64, depth 6, 4 heads, MLP 128, dropout 0.1. */
    public static ViTConfig mnistSmall() {
        return new ViTConfig("mnist-small", 28, 1, 4, 64, 6, 4, 128, 10, 0.1f, 0f, 0f,
                PositionEmbedding.SINCOS1D, true, false, false, 1e-5f);
    }

    /** The CIFAR-10 demo: 32×32×3, patch 8, dim 64, 2 heads, 2 layers, MLP 128, dropout 0.1, 2D sin-cos. */
    public static ViTConfig cifarDemo() {
        return new ViTConfig("cifar-demo", 32, 3, 8, 64, 2, 2, 128, 10, 0.1f, 0f, 0f,
                PositionEmbedding.SINCOS2D, true, false, false, 1e-5f);
    }

    /** timm's vit_tiny_patch16_224. */
    public static ViTConfig vitTi16() {
        return imagenet("vit-ti16", 192, 3);
    }

    /** timm's vit_small_patch16_224. */
    public static ViTConfig vitS16() {
        return imagenet("vit-s16", 384, 6);
    }

    /** timm's vit_base_patch16_224. */
    public static ViTConfig vitB16() {
        return imagenet("vit-b16", 768, 12);
    }

    private static ViTConfig imagenet(String name, int dim, int heads) {
        return new ViTConfig(name, 224, 3, 16, dim, 12, heads, 4 * dim, 1000, 0f, 0f, 0f,
                PositionEmbedding.LEARNED, true, false, true, 1e-6f);
    }

    private static final Map<String, java.util.function.Supplier<ViTConfig>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("mnist-tiny", ViTConfig::mnistTiny);
        PRESETS.put("mnist-small", ViTConfig::mnistSmall);
        PRESETS.put("cifar-demo", ViTConfig::cifarDemo);
        PRESETS.put("vit-ti16", ViTConfig::vitTi16);
        PRESETS.put("vit-s16", ViTConfig::vitS16);
        PRESETS.put("vit-b16", ViTConfig::vitB16);
    }

    public static java.util.Set<String> presetNames() {
        return PRESETS.keySet();
    }

    public static ViTConfig preset(String name) {
        var p = PRESETS.get(name);
        if (p == null) throw new IllegalArgumentException("unknown ViT preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return p.get();
    }
}
