package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.DropPath;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Mlp;

/**
 * One Swin block, timm's {@code SwinTransformerBlock}, on a channels-last map x (B, H, W, C):
 * <pre>
 *   x = x + drop_path1(reverse(W-MSA(partition(roll(norm1(x), -s))), +s))
 *   x = x + drop_path2(mlp(norm2(x)))
 * </pre>
 * with s = 0 (regular windows) or M/2 (shifted windows, every second block of a stage) and the attention mask
 * of {@link WindowOps#attentionMask} when shifted. When the map is no larger than the window, the window
 * shrinks to the whole map and the shift is dropped, as in Swin: a roll would only wrap the map onto itself.
 * Parameter names as timm: norm1, attn.*, norm2, mlp.fc1, mlp.fc2.
 */
public final class SwinBlock extends Module implements Layer {
    private final int dim, height, width, window, shift;
    private final LayerNorm norm1, norm2;
    private final WindowAttention attn;
    private final DropPath dropPath1, dropPath2;
    private final Mlp mlp;
    private NDArray mask; // (nW, M², M²) when shifted, else null; moved to the input's device on first use

    /**
     * @param height  the height of the map this block sees (fixed: the mask depends on it)
     * @param width   its width
     * @param shifted whether this is a shifted-window block (shift M/2)
     */
    public SwinBlock(int dim, int height, int width, int numHeads, int windowSize, boolean shifted, double mlpRatio,
                     float dropPath, float normEps, Generator g) {
        this.dim = dim;
        this.height = height;
        this.width = width;
        if (Math.min(height, width) <= windowSize) {
            this.window = Math.min(height, width);
            this.shift = 0;
        } else {
            this.window = windowSize;
            this.shift = shifted ? windowSize / 2 : 0;
        }
        if (height % window != 0 || width % window != 0) {
            throw new IllegalArgumentException("swin block: a " + height + "x" + width + " map is not divisible into "
                    + window + "x" + window + " windows");
        }
        this.norm1 = registerModule("norm1", new LayerNorm(dim, normEps));
        this.attn = registerModule("attn", new WindowAttention(dim, numHeads, window, true, 0f, 0f, g));
        this.dropPath1 = registerModule("drop_path1", new DropPath(dropPath, g.split()));
        this.norm2 = registerModule("norm2", new LayerNorm(dim, normEps));
        this.mlp = registerModule("mlp", new Mlp(dim, (int) (dim * mlpRatio), dim, GeluApproximation.NONE, 0f, g));
        this.dropPath2 = registerModule("drop_path2", new DropPath(dropPath, g.split()));
        this.mask = shift > 0 ? WindowOps.attentionMask(height, width, window, shift) : null;
    }

    /** x (B, H, W, C) to (B, H, W, C). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != height || x.size(2) != width || x.size(3) != dim) {
            throw new IllegalArgumentException("swin block expects (B, " + height + ", " + width + ", " + dim + "), got "
                    + Shape.str(x.shape()));
        }
        x = x.add(dropPath1.forward(windowAttention(norm1.forward(x))));
        return x.add(dropPath2.forward(mlp.forward(norm2.forward(x))));
    }

    private Tensor windowAttention(Tensor x) {
        Tensor shifted = shift > 0 ? WindowOps.roll(x, -shift) : x;
        Tensor windows = WindowOps.partition(shifted, window); // (B·nW, M², C)
        if (mask != null && !mask.device().equals(x.device())) mask = mask.to(x.device());
        Tensor out = WindowOps.reverse(attn.forward(windows, mask), window, height, width);
        return shift > 0 ? WindowOps.roll(out, shift) : out;
    }

    /** The effective window side (the map's side when the map is smaller than the configured window). */
    public int window() {
        return window;
    }

    /** 0 for a regular block, M/2 for a shifted one. */
    public int shift() {
        return shift;
    }

    /** The shifted-window mask (nW, M², M²), or null for an unshifted block. */
    public NDArray attentionMask() {
        return mask;
    }

    public WindowAttention attn() {
        return attn;
    }

    public LayerNorm norm1() {
        return norm1;
    }

    public LayerNorm norm2() {
        return norm2;
    }

    public Mlp mlp() {
        return mlp;
    }
}
