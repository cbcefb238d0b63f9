"""PyTorch twin of jvit's hybrid ViT (vit/src/main/java/dev/jvit/vit/model/HybridViT.java), family "hybridvit".

timm's HybridEmbed: a small convolutional stem (per stage a 3x3 conv without bias, a LayerNorm over the
channels of each position, ReLU, 2x2 max pool) whose feature map becomes the tokens through `proj`, a 1x1
conv; then vit_torch.VisionTransformer unchanged (class token, 2-D sin-cos position table, pre-norm blocks).
Parameter names: patch_embed.backbone.conv1.weight, patch_embed.backbone.norm1.weight, ...,
patch_embed.proj.weight, then timm's ViT names. Also holds ConvStem, which zoo_convattn.py reuses.
"""

import torch.nn as nn
import torch.nn.functional as F

import vit_torch


class ConvStem(nn.Module):
    """jvit's ConvStem: (B, C, H, W) to (B, widths[-1], H / 2^s, W / 2^s)."""

    def __init__(self, channels, widths):
        super().__init__()
        self.stages = len(widths)
        cin = channels
        for i, w in enumerate(widths, start=1):
            setattr(self, f"conv{i}", nn.Conv2d(cin, w, kernel_size=3, padding=1, bias=False))
            setattr(self, f"norm{i}", nn.LayerNorm(w, eps=1e-5))
            cin = w

    def forward(self, x):
        for i in range(1, self.stages + 1):
            x = getattr(self, f"conv{i}")(x)
            # LayerNorm over channels: jvit's conv leaves its output channels-last, where the norm runs
            x = F.relu(getattr(self, f"norm{i}")(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
            x = F.max_pool2d(x, 2)
        return x


class HybridEmbed(nn.Module):
    def __init__(self, channels, widths, dim):
        super().__init__()
        self.backbone = ConvStem(channels, widths)
        self.proj = nn.Conv2d(widths[-1], dim, kernel_size=1)

    def forward(self, x):
        return self.proj(self.backbone(x)).flatten(2).transpose(1, 2)  # (B, N, D)


def build(c):
    widths = list(c["stemWidths"])
    vc = dict(name=c["name"], family="vit", imageSize=c["imageSize"], channels=c["channels"],
              patchSize=2 ** len(widths), dim=c["dim"], depth=c["depth"], heads=c["heads"], mlpDim=c["mlpDim"],
              numClasses=c["numClasses"], dropout=0.0, attnDropout=0.0, dropPath=c["dropPath"], posEmbed="sincos2d",
              classToken=True, globalPool=False, convPatchEmbed=False, layerNormEps=c["layerNormEps"])
    model = vit_torch.VisionTransformer(vc)
    model.patch_embed = HybridEmbed(c["channels"], widths, c["dim"])  # keeps its place first in the state dict
    return model, c["channels"], c["imageSize"]
