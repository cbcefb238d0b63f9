package dev.jvit.vit.model;

import dev.jvit.core.Generator;

import java.util.Arrays;

/**
 * The hybrid Vision Transformer (Dosovitskiy et al. 2021, section 3.1; timm's {@code HybridEmbed}): a small
 * convolutional stem ({@link ConvStem}) replaces the patch embedding, its feature map becomes the tokens, and
 * the rest is the plain {@link VisionTransformer} (class token, position embedding, pre-norm blocks, head),
 * built through its constructor that takes an embedding.
 *
 * @param name        preset name
 * @param imageSize   input height = width (a multiple of 2^stages)
 * @param channels    input channels
 * @param stemWidths  output channels of each stem stage (each stage halves the sides)
 * @param dim         token width
 * @param depth       transformer blocks
 * @param heads       attention heads
 * @param mlpDim      hidden width of each block's MLP
 * @param numClasses  classes of the head
 * @param dropPath    stochastic depth rate of the last block
 */
public record HybridViT(String name, int imageSize, int channels, int[] stemWidths, int dim, int depth, int heads,
                        int mlpDim, int numClasses, float dropPath) {

    public HybridViT {
        stemWidths = stemWidths.clone();
        if (stemWidths.length == 0) throw new IllegalArgumentException(name + ": the stem needs at least one stage");
        if (imageSize % (1 << stemWidths.length) != 0) {
            throw new IllegalArgumentException(name + ": image size " + imageSize + " is not a multiple of the stem's "
                    + "reduction " + (1 << stemWidths.length));
        }
    }

    @Override
    public int[] stemWidths() {
        return stemWidths.clone();
    }

    /** The transformer part as a ViT config: the stem's total stride plays the patch size. */
    public ViTConfig vitConfig() {
        return new ViTConfig(name, imageSize, channels, 1 << stemWidths.length, dim, depth, heads, mlpDim, numClasses,
                0f, 0f, dropPath, PositionEmbedding.SINCOS2D, true, false, false, 1e-6f);
    }

    public HybridViT withNumClasses(int n) {
        return new HybridViT(name, imageSize, channels, stemWidths, dim, depth, heads, mlpDim, n, dropPath);
    }

    /** Builds the model: stem, then the ViT (the stem draws its initial weights from g first). */
    public VisionTransformer build(Generator g) {
        HybridEmbed embed = new HybridEmbed(new ConvStem(channels, stemWidths, g), dim, g);
        return new VisionTransformer(vitConfig(), embed, g);
    }

    @Override
    public String toString() {
        return "HybridViT[" + name + ", stem " + Arrays.toString(stemWidths) + ", dim " + dim + ", depth " + depth + "]";
    }

    /** MNIST: stem 1→16→32 (28 → 7×7 = 49 tokens), dim 48, 2 blocks, 3 heads, MLP 96. */
    public static HybridViT mnist() {
        return new HybridViT("hybrid-vit-mnist", 28, 1, new int[] {16, 32}, 48, 2, 3, 96, 10, 0f);
    }
}
