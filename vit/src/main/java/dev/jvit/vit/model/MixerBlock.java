package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.DropPath;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Mlp;

/**
 * One MLP-Mixer layer, timm's {@code MixerBlock}: x (B, N, C) to (B, N, C),
 * <pre>
 *   x = x + drop_path(mlp_tokens(norm1(x)ᵀ)ᵀ)     token mixing: an MLP across the N patches, on the (B, C, N) view
 *   x = x + drop_path(mlp_channels(norm2(x)))    channel mixing: an MLP per patch, across the C channels
 * </pre>
 * Parameters {@code norm1.*}, {@code mlp_tokens.fc1.weight} (tokensHidden, N), {@code mlp_tokens.fc2.*},
 * {@code norm2.*}, {@code mlp_channels.fc1.weight} (channelsHidden, C), {@code mlp_channels.fc2.*}.
 */
public final class MixerBlock extends Module implements Layer {
    private final LayerNorm norm1, norm2;
    private final Mlp mlpTokens, mlpChannels;
    private final DropPath dropPath;

    public MixerBlock(int tokens, int dim, int tokensHidden, int channelsHidden, float dropPath, float eps, Generator g) {
        // registration order is timm's: norm1, mlp_tokens, drop_path, norm2, mlp_channels
        this.norm1 = registerModule("norm1", new LayerNorm(dim, eps));
        this.mlpTokens = registerModule("mlp_tokens", new Mlp(tokens, tokensHidden, tokens, GeluApproximation.NONE, 0f, g));
        this.dropPath = registerModule("drop_path", new DropPath(dropPath, g.split()));
        this.norm2 = registerModule("norm2", new LayerNorm(dim, eps));
        this.mlpChannels = registerModule("mlp_channels", new Mlp(dim, channelsHidden, dim, GeluApproximation.NONE, 0f, g));
    }

    /** x (B, N, C) to (B, N, C). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor mixedTokens = mlpTokens.forward(norm1.forward(x).transpose(1, 2)).transpose(1, 2); // via (B, C, N)
        x = x.add(dropPath.forward(mixedTokens));
        return x.add(dropPath.forward(mlpChannels.forward(norm2.forward(x))));
    }
}
