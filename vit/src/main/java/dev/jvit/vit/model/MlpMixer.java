package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * MLP-Mixer (Tolstikhin et al. 2021) in the shape of timm's {@code mlp_mixer.py}: patch embedding
 * ({@code stem.proj}), {@link MixerBlock}s that alternate token mixing and channel mixing, a final norm, the
 * mean over the patches and a linear head. No attention and no position embedding: the token-mixing MLP's
 * weights are position-specific. x (B, C, H, W) gives logits (B, classes). Parameter names are timm's
 * ({@code stem.proj.weight}, {@code blocks.0.norm1.weight}, {@code blocks.0.mlp_tokens.fc1.weight},
 * {@code blocks.0.mlp_channels.fc1.weight}, {@code norm.weight}, {@code head.weight}).
 */
public final class MlpMixer extends Module implements Layer {

    /**
     * @param name           preset name
     * @param imageSize      input height = width (a multiple of patchSize)
     * @param channels       input channels
     * @param patchSize      side of a square patch
     * @param dim            channels per token (timm's embed_dim)
     * @param depth          mixer blocks
     * @param tokensHidden   hidden width of the token-mixing MLP (timm: 0.5 · dim)
     * @param channelsHidden hidden width of the channel-mixing MLP (timm: 4 · dim)
     * @param numClasses     classes of the head
     * @param dropPath       stochastic depth rate of the last block (rates grow linearly from 0)
     */
    public record Config(String name, int imageSize, int channels, int patchSize, int dim, int depth, int tokensHidden,
                         int channelsHidden, int numClasses, float dropPath) {
        public Config {
            if (imageSize % patchSize != 0) {
                throw new IllegalArgumentException(name + ": image size " + imageSize + " is not a multiple of patch size "
                        + patchSize);
            }
        }

        public int tokens() {
            int grid = imageSize / patchSize;
            return grid * grid;
        }

        public Config withNumClasses(int n) {
            return new Config(name, imageSize, channels, patchSize, dim, depth, tokensHidden, channelsHidden, n, dropPath);
        }

        /** MNIST: patch 4 (49 tokens), dim 48, 4 blocks, token MLP 24 (0.5·dim), channel MLP 192 (4·dim). */
        public static Config mnist() {
            return new Config("mixer-mnist", 28, 1, 4, 48, 4, 24, 192, 10, 0f);
        }
    }

    /** timm's MLP-Mixer LayerNorms use eps 1e-6. */
    static final float EPS = 1e-6f;

    private final Config config;
    private final PatchEmbed stem;
    private final List<MixerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear head;

    public MlpMixer(Config c, Generator g) {
        this.config = c;
        this.stem = registerModule("stem", new PatchEmbed(c.channels(), c.patchSize(), c.dim(), false, g));
        ModuleList list = registerModule("blocks", new ModuleList());
        for (int i = 0; i < c.depth(); i++) {
            float rate = c.depth() > 1 ? c.dropPath() * i / (c.depth() - 1) : c.dropPath();
            blocks.add(list.add(new MixerBlock(c.tokens(), c.dim(), c.tokensHidden(), c.channelsHidden(), rate, EPS, g)));
        }
        this.norm = registerModule("norm", new LayerNorm(c.dim(), EPS));
        this.head = registerModule("head", new Linear(c.dim(), c.numClasses(), g));
    }

    /** x (B, C, H, W) to logits (B, classes). */
    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(config.name() + " expects images (B, " + config.channels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + "), got " + Shape.str(s));
        }
        Tensor t = stem.forward(x); // (B, N, C)
        for (MixerBlock b : blocks) t = b.forward(t);
        return head.forward(norm.forward(t).mean(1));
    }

    public Config config() {
        return config;
    }
}
