package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.init.Init;
import dev.jvit.nn.layers.Dropout;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;
import dev.jvit.nn.layers.TransformerEncoderBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * DeiT's distilled Vision Transformer (Touvron et al. 2021), timm's {@code VisionTransformerDistilled}: a
 * second learnable token, {@code dist_token}, sits beside {@code cls_token}; the position embedding covers
 * both (T = N + 2); after the final norm, token 0 goes through {@code head} and token 1 through
 * {@code head_dist}. Training supervises {@code head} with the labels and {@code head_dist} with a teacher's
 * predictions ({@link #forwardHeads}); {@link #forward} returns the mean of the two heads' logits, which is
 * what DeiT predicts with at inference.
 *
 * <p>A class of its own rather than a flag of {@link VisionTransformer}: that class is unchanged, and the
 * commands that read a ViT's class-token attention (attention maps, rollout), which assume one prefix token,
 * reject this model by its type instead of silently misreading token 1 as a patch. The shape comes from a
 * {@link ViTConfig} (class token on, no global pooling). Initialisation as in {@link VisionTransformer}:
 * tokens and a learned position table trunc_normal(0.02), Linear layers PyTorch's default.
 */
public final class DistilledVisionTransformer extends Module implements Layer {
    private final ViTConfig config;
    private final PatchEmbed patchEmbed;
    private final Tensor clsToken;   // (1, 1, D)
    private final Tensor distToken;  // (1, 1, D)
    private final Tensor posEmbed;   // (1, N + 2, D) or null
    private final Dropout posDrop;
    private final List<TransformerEncoderBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear head, headDist;

    /** The two heads' logits, each (B, classes). */
    public record Heads(Tensor cls, Tensor dist) {
        /** DeiT's prediction: the mean of the two. */
        public Tensor mean() {
            return cls.add(dist).mul(0.5f);
        }
    }

    public DistilledVisionTransformer(ViTConfig c, Generator g) {
        if (!c.classToken() || c.globalPool()) {
            throw new IllegalArgumentException(c.name() + ": a distilled ViT reads its class and distillation tokens; "
                    + "turn the class token on and global pooling off");
        }
        this.config = c;
        int tokens = c.numPatches() + 2;
        this.patchEmbed = registerModule("patch_embed", new PatchEmbed(c.channels(), c.patchSize(), c.dim(),
                c.convPatchEmbed(), g));
        this.clsToken = registerParameter("cls_token",
                Init.truncNormal(NDArray.empty(DType.FLOAT32, 1, 1, c.dim()), 0.02f, g), false);
        this.distToken = registerParameter("dist_token",
                Init.truncNormal(NDArray.empty(DType.FLOAT32, 1, 1, c.dim()), 0.02f, g), false);
        this.posEmbed = switch (c.posEmbed()) {
            case LEARNED -> registerParameter("pos_embed",
                    Init.truncNormal(NDArray.empty(DType.FLOAT32, 1, tokens, c.dim()), 0.02f, g), false);
            case SINCOS1D -> registerBuffer("pos_embed", SinCos.oneD(tokens, c.dim()).unsqueeze(0));
            // the two prefix tokens have no place on the grid: their rows are zero, as MAE does for one
            case SINCOS2D -> registerBuffer("pos_embed", NDArray.concat(0, NDArray.zeros(2, c.dim()),
                    SinCos.twoD(c.gridSize(), c.gridSize(), c.dim())).unsqueeze(0));
            case NONE -> null;
        };
        this.posDrop = registerModule("pos_drop", new Dropout(c.dropout(), g.split()));
        Module blockList = registerModule("blocks", new BlockList());
        for (int i = 0; i < c.depth(); i++) {
            blocks.add(((BlockList) blockList).add(new TransformerEncoderBlock(VisionTransformer.blockConfig(c, i), g)));
        }
        this.norm = registerModule("norm", new LayerNorm(c.dim(), c.layerNormEps()));
        this.head = registerModule("head", new Linear(c.dim(), c.numClasses(), g));
        this.headDist = registerModule("head_dist", new Linear(c.dim(), c.numClasses(), g));
    }

    /** Sub-modules named "0", "1", ... so block parameters read {@code blocks.3.attn.qkv.weight}. */
    private static final class BlockList extends Module {
        TransformerEncoderBlock add(TransformerEncoderBlock b) {
            return registerModule(Integer.toString(children().size()), b);
        }
    }

    public ViTConfig config() {
        return config;
    }

    /** x (B, C, H, W) to the mean of the two heads' logits (B, classes): the prediction, in any mode. */
    @Override
    public Tensor forward(Tensor x) {
        return forwardHeads(x).mean();
    }

    /** x (B, C, H, W) to both heads' logits, for the distillation loss. */
    public Heads forwardHeads(Tensor x) {
        Tensor t = forwardFeatures(x);
        return new Heads(head.forward(t.select(1, 0)), headDist.forward(t.select(1, 1)));
    }

    /** x (B, C, H, W) to normalised tokens (B, N + 2, D): class token, distillation token, patches. */
    public Tensor forwardFeatures(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(config.name() + " expects images (B, " + config.channels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + "), got " + Shape.str(s));
        }
        Tensor t = patchEmbed.forward(x); // (B, N, D)
        t = Tensor.concat(1, clsToken.expand(s[0], 1, config.dim()), distToken.expand(s[0], 1, config.dim()), t);
        if (posEmbed != null) t = t.add(posEmbed);
        t = posDrop.forward(t);
        for (TransformerEncoderBlock b : blocks) t = b.forward(t);
        return norm.forward(t);
    }
}
