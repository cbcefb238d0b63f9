package dev.jvit.vit.model.swin;

import java.util.List;

/**
 * The shape of a Swin Transformer (Liu et al. 2021), as timm's {@code SwinTransformer} arguments: images of
 * imageSize (zero-padded to paddedSize, see below) cut into patchSize patches of embedDim channels, then one
 * stage per entry of depths, each halving the grid and doubling the width (patch merging) after the first,
 * with heads(i) heads and windowSize x windowSize attention windows, shifted by half a window in every second
 * block.
 *
 * <p>paddedSize is the size the image is zero-padded to (centred) before the patch embedding, so that every
 * stage's grid divides into windows and halves cleanly: 28x28 MNIST does not (patch 2 gives 14, whose half is
 * odd), 32 does (16, 8, 4, 2). timm pads the same way at run time when a size does not divide; doing it once
 * at the input keeps the blocks free of padding logic. paddedSize = imageSize means no padding.
 *
 * @param depths      blocks per stage
 * @param heads       attention heads per stage (the stage width embedDim·2^i must divide by it)
 * @param windowSize  window side M; a stage whose grid is no larger than M uses one window of the whole grid
 *                    and no shift, as Swin does
 * @param dropPath    stochastic depth of the last block, growing linearly from 0 over all blocks (timm's dpr)
 */
public record SwinConfig(String name, int imageSize, int paddedSize, int channels, int patchSize, int embedDim,
                         List<Integer> depths, List<Integer> heads, int windowSize, double mlpRatio, int numClasses,
                         float dropPath, float layerNormEps) {

    public SwinConfig {
        depths = List.copyOf(depths);
        heads = List.copyOf(heads);
        if (depths.isEmpty() || depths.size() != heads.size()) {
            throw new IllegalArgumentException("swin '" + name + "': depths " + depths + " and heads " + heads
                    + " must be non-empty and of the same length");
        }
        if (imageSize <= 0 || paddedSize < imageSize) {
            throw new IllegalArgumentException("swin '" + name + "': paddedSize " + paddedSize + " must be >= imageSize "
                    + imageSize + " > 0");
        }
        if (patchSize <= 0 || paddedSize % patchSize != 0) {
            throw new IllegalArgumentException("swin '" + name + "': padded image " + paddedSize
                    + " is not divisible into patches of " + patchSize);
        }
        if (windowSize <= 0 || embedDim <= 0 || numClasses <= 0 || !(mlpRatio > 0)) {
            throw new IllegalArgumentException("swin '" + name + "': windowSize, embedDim, numClasses and mlpRatio must be positive");
        }
        if (!(dropPath >= 0f && dropPath < 1f)) {
            throw new IllegalArgumentException("swin '" + name + "': dropPath must be in [0, 1), got " + dropPath);
        }
        int res = paddedSize / patchSize;
        for (int i = 0; i < depths.size(); i++) {
            if (i > 0) {
                if (res % 2 != 0) {
                    throw new IllegalArgumentException("swin '" + name + "': stage " + i + " merges 2x2 patches of a "
                            + res + "x" + res + " grid; the grid must be even (pad the input further)");
                }
                res /= 2;
            }
            int w = Math.min(windowSize, res);
            if (res % w != 0) {
                throw new IllegalArgumentException("swin '" + name + "': stage " + i + " grid " + res + "x" + res
                        + " is not divisible into " + w + "x" + w + " windows");
            }
            int dim = stageDim(embedDim, i);
            if (depths.get(i) <= 0 || heads.get(i) <= 0 || dim % heads.get(i) != 0) {
                throw new IllegalArgumentException("swin '" + name + "': stage " + i + " needs depth > 0 and a width "
                        + dim + " divisible by its heads " + heads.get(i));
            }
        }
    }

    /**
     * MNIST (28x28x1), padded to 32: patch 2 gives a 16x16 grid of width 16, window 4 (16 windows, shifted by
     * 2 every second block), then 8x8 (4 windows, shifted too), 4x4 and 2x2 (one window each, no shift): the
     * 4-stage layout with three merges, two blocks per stage, MLP ratio 2 (as mnist-small). About 5.5 MMAC a
     * forward, 400k parameters: 3 epochs reach about 98.8% on MNIST in about 7 minutes of one core.
     */
    public static SwinConfig mnist() {
        return new SwinConfig("swin-mnist", 28, 32, 1, 2, 16, List.of(2, 2, 2, 2), List.of(1, 2, 4, 8), 4, 2.0,
                10, 0f, 1e-5f);
    }

    /** Swin-T (swin_tiny_patch4_window7_224): 224 RGB, patch 4, 96 wide, depths 2-2-6-2, window 7. */
    public static SwinConfig swinT() {
        return new SwinConfig("swin-t", 224, 224, 3, 4, 96, List.of(2, 2, 6, 2), List.of(3, 6, 12, 24), 7, 4.0,
                1000, 0.2f, 1e-5f);
    }

    public static List<SwinConfig> presets() {
        return List.of(mnist(), swinT());
    }

    public SwinConfig withNumClasses(int n) {
        return new SwinConfig(name, imageSize, paddedSize, channels, patchSize, embedDim, depths, heads, windowSize,
                mlpRatio, n, dropPath, layerNormEps);
    }

    public SwinConfig withDropPath(float p) {
        return new SwinConfig(name, imageSize, paddedSize, channels, patchSize, embedDim, depths, heads, windowSize,
                mlpRatio, numClasses, p, layerNormEps);
    }

    public int stages() {
        return depths.size();
    }

    /** Width of stage i: embedDim doubled at each merge. */
    public int stageDim(int i) {
        return stageDim(embedDim, i);
    }

    private static int stageDim(int embedDim, int i) {
        return embedDim << i;
    }

    /** Grid side of stage i. */
    public int stageResolution(int i) {
        return (paddedSize / patchSize) >> i;
    }

    /** Width of the last stage, which the head reads. */
    public int numFeatures() {
        return stageDim(stages() - 1);
    }

    public int totalBlocks() {
        return depths.stream().mapToInt(Integer::intValue).sum();
    }
}
