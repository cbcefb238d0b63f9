package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.init.Init;
import dev.jvit.nn.layers.BlockConfig;
import dev.jvit.nn.layers.Dropout;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;
import dev.jvit.nn.layers.TransformerEncoderBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * A Vision Transformer in the shape of timm's {@code vision_transformer.py} (Dosovitskiy et al. 2021):
 * patch embedding, class token, position embedding, pre-norm encoder blocks, final norm, linear head on the
 * class token (or on the mean of the patch tokens). Parameter names are timm's ({@code patch_embed.proj.weight},
 * {@code cls_token}, {@code pos_embed}, {@code blocks.0.attn.qkv.weight}, {@code norm.weight},
 * {@code head.weight}), so weights move to and from PyTorch.
 *
 * <p>Class token and learned position embedding start from trunc_normal(std=0.02) as in timm.
 * A fixed (sin-cos) position table is a buffer named {@code pos_embed}: saved with the model, not trained.
 */
public final class VisionTransformer extends Module implements Layer {
    private final ViTConfig config;
    private final Layer embed;        // images (B, C, H, W) to tokens (B, N, D)
    private final PatchEmbed patchEmbed; // the same object when it is timm's PatchEmbed, else null
    private final Tensor clsToken;   // (1, 1, D) or null
    private final Tensor posEmbed;   // (1, T, D) or null
    private final Dropout posDrop;
    private final List<TransformerEncoderBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear head;

    public VisionTransformer(ViTConfig c, Generator g) {
        this(c, new PatchEmbed(c.channels(), c.patchSize(), c.dim(), c.convPatchEmbed(), g), g);
    }

    /**
     * A ViT whose tokens come from another embedding, such as the hybrid model's convolutional stem (timm's
     * {@code HybridEmbed}): it must turn (B, c.channels, c.imageSize, c.imageSize) into c.numPatches() tokens
     * of width c.dim; c.patchSize is then the embedding's total stride. Registered as {@code patch_embed}.
     */
    public <E extends Module & Layer> VisionTransformer(ViTConfig c, E patchEmbed, Generator g) {
        this.config = c;
        this.embed = registerModule("patch_embed", patchEmbed);
        this.patchEmbed = patchEmbed instanceof PatchEmbed p ? p : null;
        this.clsToken = c.classToken()
                ? registerParameter("cls_token", Init.truncNormal(NDArray.empty(DType.FLOAT32, 1, 1, c.dim()), 0.02f, g), false)
                : null;
        this.posEmbed = switch (c.posEmbed()) {
            case LEARNED -> registerParameter("pos_embed",
                    Init.truncNormal(NDArray.empty(DType.FLOAT32, 1, c.tokens(), c.dim()), 0.02f, g), false);
            case SINCOS1D -> registerBuffer("pos_embed", SinCos.oneD(c.tokens(), c.dim()).unsqueeze(0));
            case SINCOS2D -> registerBuffer("pos_embed", sinCos2dWithClass(c));
            case NONE -> null;
        };
        this.posDrop = registerModule("pos_drop", new Dropout(c.dropout(), g.split()));
        Module blockList = registerModule("blocks", new BlockList());
        for (int i = 0; i < c.depth(); i++) {
            blocks.add(((BlockList) blockList).add(new TransformerEncoderBlock(blockConfig(c, i), g)));
        }
        this.norm = registerModule("norm", new LayerNorm(c.dim(), c.layerNormEps()));
        this.head = registerModule("head", new Linear(c.dim(), c.numClasses(), g));
        // Linear layers keep PyTorch's default init (kaiming_uniform, a=sqrt(5)). timm's trunc_normal(0.02) suits
        // its widths (192 and up) but starves the course's dim-8 model of signal: its logits start ~1e-4 and
        // the first epochs learn almost nothing.
    }

    /**
     * The configuration of encoder block i of c: stochastic depth grows linearly from 0 at the first block to
     * c.dropPath() at the last (timm's dpr). Shared with {@link DistilledVisionTransformer}.
     */
    static BlockConfig blockConfig(ViTConfig c, int i) {
        float rate = c.depth() > 1 ? c.dropPath() * i / (c.depth() - 1) : c.dropPath();
        return BlockConfig.of(c.dim(), c.heads())
                .withMlpRatio((double) c.mlpDim() / c.dim())
                .withDropout(c.dropout(), c.attnDropout())
                .withDropPath(rate)
                .withNormEps(c.layerNormEps());
    }

    /** Sub-modules named "0", "1", ... so block parameters read {@code blocks.3.attn.qkv.weight}. */
    private static final class BlockList extends Module {
        TransformerEncoderBlock add(TransformerEncoderBlock b) {
            return registerModule(Integer.toString(children().size()), b);
        }
    }

    private static NDArray sinCos2dWithClass(ViTConfig c) {
        NDArray grid = SinCos.twoD(c.gridSize(), c.gridSize(), c.dim()); // (N, D)
        if (!c.classToken()) return grid.unsqueeze(0);
        // the class token has no place on the grid: its row is zero, as in MAE
        return NDArray.concat(0, NDArray.zeros(1, c.dim()), grid).unsqueeze(0);
    }

    public ViTConfig config() {
        return config;
    }

    /** x (B, C, H, W) to logits (B, classes). */
    @Override
    public Tensor forward(Tensor x) {
        return forwardHead(forwardFeatures(x));
    }

    /** x (B, C, H, W) to normalised tokens (B, T, D). */
    public Tensor forwardFeatures(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(config.name() + " expects images (B, " + config.channels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + "), got " + Shape.str(s));
        }
        Tensor t = embed.forward(x); // (B, N, D)
        if (t.rank() != 3 || t.size(1) != config.numPatches() || t.size(2) != config.dim()) {
            throw new IllegalStateException(config.name() + ": the patch embedding gave " + Shape.str(t.shape())
                    + ", expected (B, " + config.numPatches() + ", " + config.dim() + ")");
        }
        if (clsToken != null) t = Tensor.concat(1, clsToken.expand(s[0], 1, config.dim()), t);
        if (posEmbed != null) t = t.add(posEmbed);
        t = posDrop.forward(t);
        for (TransformerEncoderBlock b : blocks) t = b.forward(t);
        return norm.forward(t);
    }

    /** tokens (B, T, D) to logits (B, classes): the class token, or the mean of the patch tokens. */
    public Tensor forwardHead(Tensor tokens) {
        Tensor pooled = config.globalPool()
                ? tokens.narrow(1, clsToken != null ? 1 : 0, config.numPatches()).mean(1)
                : tokens.select(1, 0);
        return head.forward(pooled);
    }

    /** Keep (or stop keeping) each block's attention probabilities for {@link #attentionMaps()}. */
    public VisionTransformer keepAttention(boolean keep) {
        for (TransformerEncoderBlock b : blocks) b.attn().keepAttention(keep);
        return this;
    }

    /** Per block, the attention probabilities (B, H, T, T) of the last forward; empty entries when not kept. */
    public List<Tensor> attentionMaps() {
        List<Tensor> maps = new ArrayList<>();
        for (TransformerEncoderBlock b : blocks) maps.add(b.attn().lastAttention());
        return maps;
    }

    public List<TransformerEncoderBlock> blocks() {
        return List.copyOf(blocks);
    }

    /** timm's PatchEmbed of this model, or null when it was built with another embedding. */
    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }
}
