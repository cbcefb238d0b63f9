"""PyTorch twin of jvit's MlpMixer (vit/src/main/java/dev/jvit/vit/model/MlpMixer.java), family "mixer", in the
shape of timm's mlp_mixer.py: stem.proj (patch embedding), MixerBlocks (norm1, mlp_tokens across the patches on
the (B, C, N) view, norm2, mlp_channels per patch, one drop_path, residuals), norm, mean over patches, head.
"""

import torch.nn as nn

import vit_torch


class MixerBlock(nn.Module):
    def __init__(self, tokens, dim, tokens_hidden, channels_hidden, drop_path, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.mlp_tokens = vit_torch.Mlp(tokens, tokens_hidden, 0.0)
        self.drop_path = vit_torch.DropPath(drop_path)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp_channels = vit_torch.Mlp(dim, channels_hidden, 0.0)

    def forward(self, x):
        x = x + self.drop_path(self.mlp_tokens(self.norm1(x).transpose(1, 2)).transpose(1, 2))
        return x + self.drop_path(self.mlp_channels(self.norm2(x)))


class MlpMixer(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, depth, eps = c["dim"], c["depth"], c["layerNormEps"]
        tokens = (c["imageSize"] // c["patchSize"]) ** 2
        self.stem = vit_torch.PatchEmbed(c["channels"], c["patchSize"], dim, False)
        rates = [c["dropPath"] * i / (depth - 1) if depth > 1 else c["dropPath"] for i in range(depth)]
        self.blocks = nn.Sequential(*[MixerBlock(tokens, dim, c["tokensHidden"], c["channelsHidden"], r, eps)
                                      for r in rates])
        self.norm = nn.LayerNorm(dim, eps=eps)
        self.head = nn.Linear(dim, c["numClasses"])

    def forward(self, x):
        return self.head(self.norm(self.blocks(self.stem(x))).mean(dim=1))


def build(c):
    return MlpMixer(c), c["channels"], c["imageSize"]
