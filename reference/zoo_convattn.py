"""PyTorch twin of jvit's ConvAttentionNet (vit/src/main/java/dev/jvit/vit/model/ConvAttentionNet.java), family
"convattn": the course's convolutional attention layer (query, key, value from 3x3 convolutions, attention over
the H*W positions, a Linear projection and the residual) on a small conv stem, then global average pooling,
LayerNorm and the head. Parameter names as jvit: stem.conv1.weight, blocks.0.query.weight, blocks.0.proj.weight,
norm.weight, head.weight.
"""

import torch.nn as nn

from zoo_hybridvit import ConvStem


class ConvSelfAttention(nn.Module):
    """jvit's nn/layers/ConvSelfAttention: x (B, C, H, W) to x + proj(softmax(q k^T / sqrt(d)) v)."""

    def __init__(self, channels, heads):
        super().__init__()
        self.heads, self.head_dim = heads, channels // heads
        self.query = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.key = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.value = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.proj = nn.Linear(channels, channels)

    def tokens(self, t):  # (B, C, H, W) to (B, heads, N, d)
        b = t.shape[0]
        return t.flatten(2).transpose(1, 2).reshape(b, -1, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.tokens(self.query(x)), self.tokens(self.key(x)), self.tokens(self.value(x))
        attn = (q * self.head_dim ** -0.5) @ k.transpose(-2, -1)
        out = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, h * w, c)
        y = x.flatten(2).transpose(1, 2) + self.proj(out)  # (B, N, C)
        return y.reshape(b, h, w, c).permute(0, 3, 1, 2)


class ConvAttentionNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        widths = list(c["stemWidths"])
        self.stem = ConvStem(c["channels"], widths)
        self.blocks = nn.Sequential(*[ConvSelfAttention(widths[-1], c["heads"]) for _ in range(c["depth"])])
        self.norm = nn.LayerNorm(widths[-1], eps=1e-5)
        self.head = nn.Linear(widths[-1], c["numClasses"])

    def forward(self, x):
        f = self.blocks(self.stem(x))
        return self.head(self.norm(f.mean(dim=(2, 3))))


def build(c):
    return ConvAttentionNet(c), c["channels"], c["imageSize"]
