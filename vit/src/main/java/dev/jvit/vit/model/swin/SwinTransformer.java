package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * The Swin Transformer (Liu et al. 2021) in the layout of timm's {@code swin_transformer.py} (0.9 and later):
 * patch partition + linear embedding ({@code patch_embed}), stages {@code layers.i}, each a patch merging
 * ({@code layers.i.downsample}, from the second stage on) then blocks alternating regular and shifted windows
 * ({@code layers.i.blocks.j}), a final {@code norm}, the global average over the last grid and the classifier
 * {@code head.fc}. Feature maps stay channels-last (B, H, W, C) throughout, as in timm.
 *
 * <p>Init: Linear layers keep PyTorch's default (as jvit's ViT does: timm's trunc_normal(0.02) starves the
 * narrow MNIST preset of signal), the relative position bias tables trunc_normal(0.02) as timm.
 */
public final class SwinTransformer extends Module implements Layer {
    private final SwinConfig config;
    private final SwinPatchEmbed patchEmbed;
    private final List<Stage> stages = new ArrayList<>();
    private final LayerNorm norm;
    private final Head head;

    public SwinTransformer(SwinConfig c, Generator g) {
        this.config = c;
        this.patchEmbed = registerModule("patch_embed", new SwinPatchEmbed(c.channels(), c.imageSize(), c.paddedSize(),
                c.patchSize(), c.embedDim(), c.layerNormEps(), g));
        Indexed layers = registerModule("layers", new Indexed());
        int total = c.totalBlocks(), blockIndex = 0;
        for (int i = 0; i < c.stages(); i++) {
            Stage s = layers.add(new Stage());
            int dim = c.stageDim(i), res = c.stageResolution(i);
            if (i > 0) s.downsample = s.add("downsample", new PatchMerging(c.stageDim(i - 1), c.layerNormEps(), g));
            Indexed blocks = s.add("blocks", new Indexed());
            for (int j = 0; j < c.depths().get(i); j++, blockIndex++) {
                // stochastic depth grows linearly over all blocks of all stages (timm's dpr)
                float rate = total > 1 ? c.dropPath() * blockIndex / (total - 1) : c.dropPath();
                s.blocks.add(blocks.add(new SwinBlock(dim, res, res, c.heads().get(i), c.windowSize(), j % 2 == 1,
                        c.mlpRatio(), rate, c.layerNormEps(), g)));
            }
            stages.add(s);
        }
        this.norm = registerModule("norm", new LayerNorm(c.numFeatures(), c.layerNormEps()));
        this.head = registerModule("head", new Head(c.numFeatures(), c.numClasses(), g));
    }

    /** Sub-modules named "0", "1", ... (timm's nn.Sequential). */
    private static final class Indexed extends Module {
        <M extends Module> M add(M m) {
            return registerModule(Integer.toString(children().size()), m);
        }
    }

    /** timm's SwinTransformerStage: an optional downsample, then the blocks. */
    private static final class Stage extends Module {
        PatchMerging downsample;
        final List<SwinBlock> blocks = new ArrayList<>();

        <M extends Module> M add(String name, M m) {
            return registerModule(name, m);
        }

        Tensor forward(Tensor x) {
            if (downsample != null) x = downsample.forward(x);
            for (SwinBlock b : blocks) x = b.forward(x);
            return x;
        }
    }

    /** timm's ClassifierHead with average pooling done before it: the Linear is {@code head.fc}. */
    private static final class Head extends Module {
        final Linear fc;

        Head(int in, int classes, Generator g) {
            fc = registerModule("fc", new Linear(in, classes, g));
        }
    }

    public SwinConfig config() {
        return config;
    }

    /** x (B, C, S, S) to logits (B, classes). */
    @Override
    public Tensor forward(Tensor x) {
        return forwardHead(forwardFeatures(x));
    }

    /** x (B, C, S, S) to the normalised last-stage map (B, G, G, C_last). */
    public Tensor forwardFeatures(Tensor x) {
        Tensor t = patchEmbed.forward(x);
        for (Stage s : stages) t = s.forward(t);
        return norm.forward(t);
    }

    /** map (B, G, G, C) to logits (B, classes): the global average over the grid, then head.fc. */
    public Tensor forwardHead(Tensor map) {
        return head.fc.forward(map.mean(1, 2));
    }

    /** Every block, stage after stage. */
    public List<SwinBlock> blocks() {
        List<SwinBlock> all = new ArrayList<>();
        for (Stage s : stages) all.addAll(s.blocks);
        return all;
    }

    public SwinPatchEmbed patchEmbed() {
        return patchEmbed;
    }
}
