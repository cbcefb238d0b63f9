package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.AttentionMask;

/**
 * A pre-norm transformer encoder block, timm's {@code Block}:
 * <pre>
 *   x = x + drop_path1(attn(norm1(x)))
 *   x = x + drop_path2(mlp(norm2(x)))
 * </pre>
 * x is (B, N, C). Parameter names as timm: norm1.weight, norm1.bias, attn.qkv.weight, attn.qkv.bias,
 * attn.proj.weight, attn.proj.bias, norm2.weight, norm2.bias, mlp.fc1.weight, mlp.fc1.bias, mlp.fc2.weight,
 * mlp.fc2.bias.
 */
public final class TransformerEncoderBlock extends Module implements Layer {
    private final LayerNorm norm1, norm2;
    private final MultiHeadSelfAttention attn;
    private final DropPath dropPath1, dropPath2;
    private final Mlp mlp;

    public TransformerEncoderBlock(BlockConfig c, Generator g) {
        // registration order is timm's, so the state dict lists entries as PyTorch does
        this.norm1 = registerModule("norm1", new LayerNorm(c.dim(), c.normEps()));
        this.attn = registerModule("attn", new MultiHeadSelfAttention(c.dim(), c.numHeads(), c.qkvBias(), c.attnDrop(),
                c.projDrop(), g));
        this.dropPath1 = registerModule("drop_path1", new DropPath(c.dropPath(), g.split()));
        this.norm2 = registerModule("norm2", new LayerNorm(c.dim(), c.normEps()));
        this.mlp = registerModule("mlp", new Mlp(c.dim(), c.mlpHidden(), c.dim(), c.gelu(), c.projDrop(), g));
        this.dropPath2 = registerModule("drop_path2", new DropPath(c.dropPath(), g.split()));
    }

    /** x (B, N, C) to (B, N, C). */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** As {@link #forward(Tensor)} with an attention mask (null for none). */
    public Tensor forward(Tensor x, AttentionMask mask) {
        x = x.add(dropPath1.forward(attn.forward(norm1.forward(x), mask)));
        return x.add(dropPath2.forward(mlp.forward(norm2.forward(x))));
    }

    public MultiHeadSelfAttention attn() {
        return attn;
    }

    public Mlp mlp() {
        return mlp;
    }

    public LayerNorm norm1() {
        return norm1;
    }

    public LayerNorm norm2() {
        return norm2;
    }
}
