#!/usr/bin/env python3
"""jvit's Swin Transformer (vit/src/main/java/dev/jvit/vit/model/swin) in PyTorch, for `jvit bench compare` and
the golden test (reference/golden_swin.py). reference/vit_torch.py imports this module for family "swin" and
calls build(c) with the preset's description (SwinPresets.referenceConfig).

The layout and parameter names are timm's swin_transformer.py (0.9 and later), which jvit copies: patch_embed.proj
(strided conv) and patch_embed.norm, layers.i.downsample (PatchMerging: norm, reduction) from the second stage
on, layers.i.blocks.j (norm1, attn.relative_position_bias_table, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2),
norm, head.fc; channels-last maps (B, H, W, C); the shifted-window mask with -100 for pairs from different
regions; a map no larger than the window gets one window and no shift. As jvit: the input is zero-padded
(centred) from imageSize to paddedSize first, Linear and Conv2d keep PyTorch's default init, the bias tables start
from trunc_normal(std=0.02) and are not weight-decayed.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def window_partition(x, m):
    """(B, H, W, C) -> (B * nW, m * m, C), windows row-major per image."""
    b, h, w, c = x.shape
    x = x.view(b, h // m, m, w // m, m, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, m * m, c)


def window_reverse(windows, m, h, w):
    c = windows.shape[-1]
    x = windows.view(-1, h // m, w // m, m, m, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, h, w, c)


def relative_position_index(m):
    coords = torch.stack(torch.meshgrid(torch.arange(m), torch.arange(m), indexing="ij")).flatten(1)  # (2, m*m)
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (m - 1)
    return rel[:, :, 0] * (2 * m - 1) + rel[:, :, 1]  # (m*m, m*m)


def shifted_window_mask(h, w, m, s):
    img = torch.zeros(1, h, w, 1)
    cnt = 0
    for hs in (slice(0, -m), slice(-m, -s), slice(-s, None)):
        for ws in (slice(0, -m), slice(-m, -s), slice(-s, None)):
            img[:, hs, ws, :] = cnt
            cnt += 1
    win = window_partition(img, m).squeeze(-1)  # (nW, m*m)
    mask = win.unsqueeze(1) - win.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)  # (nW, m*m, m*m)


class WindowAttention(nn.Module):
    def __init__(self, dim, heads, m):
        super().__init__()
        self.heads, self.m = heads, m
        self.scale = (dim // heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * m - 1) ** 2, heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        self.register_buffer("relative_position_index", relative_position_index(m), persistent=False)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        bw, n, c = x.shape
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        attn = attn + bias.permute(2, 0, 1).unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.view(-1, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.heads, n, n)
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(bw, n, c)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device).bernoulli_(1 - self.p)
        return x * keep / (1 - self.p)


class SwinBlock(nn.Module):
    def __init__(self, dim, res, heads, window, shifted, mlp_ratio, drop_path, eps):
        super().__init__()
        self.res = res
        if res <= window:
            self.m, self.s = res, 0
        else:
            self.m, self.s = window, (window // 2 if shifted else 0)
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = WindowAttention(dim, heads, self.m)
        self.drop_path1 = DropPath(drop_path)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.drop_path2 = DropPath(drop_path)
        mask = shifted_window_mask(res, res, self.m, self.s) if self.s > 0 else None
        self.register_buffer("attn_mask", mask, persistent=False)

    def _attn(self, x):
        h, w = x.shape[1], x.shape[2]
        if self.s > 0:
            x = torch.roll(x, shifts=(-self.s, -self.s), dims=(1, 2))
        out = window_reverse(self.attn(window_partition(x, self.m), self.attn_mask), self.m, h, w)
        if self.s > 0:
            out = torch.roll(out, shifts=(self.s, self.s), dims=(1, 2))
        return out

    def forward(self, x):
        x = x + self.drop_path1(self._attn(self.norm1(x)))
        return x + self.drop_path2(self.mlp(self.norm2(x)))


class PatchMerging(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.norm = nn.LayerNorm(4 * dim, eps=eps)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x):
        b, h, w, c = x.shape
        x = x.reshape(b, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 4, 2, 5).flatten(3)
        return self.reduction(self.norm(x))


class PatchEmbed(nn.Module):
    def __init__(self, channels, patch, dim, eps):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)
        self.norm = nn.LayerNorm(dim, eps=eps)

    def forward(self, x):
        return self.norm(self.proj(x).permute(0, 2, 3, 1))  # (B, H, W, C)


class Stage(nn.Module):
    def __init__(self, downsample, blocks):
        super().__init__()
        self.downsample = downsample if downsample is not None else nn.Identity()
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.downsample(x))


class Head(nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        return self.fc(x)


class SwinTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        eps, depths = c["layerNormEps"], c["depths"]
        total = sum(depths)
        self.pad_before = (c["paddedSize"] - c["imageSize"]) // 2
        self.pad_after = c["paddedSize"] - c["imageSize"] - self.pad_before
        self.patch_embed = PatchEmbed(c["channels"], c["patchSize"], c["embedDim"], eps)
        res = c["paddedSize"] // c["patchSize"]
        layers, k = [], 0
        for i, depth in enumerate(depths):
            dim = c["embedDim"] << i
            down = None
            if i > 0:
                down = PatchMerging(dim // 2, eps)
                res //= 2
            blocks = []
            for j in range(depth):
                rate = c["dropPath"] * k / (total - 1) if total > 1 else c["dropPath"]
                blocks.append(SwinBlock(dim, res, c["heads"][i], c["windowSize"], j % 2 == 1, c["mlpRatio"], rate, eps))
                k += 1
            layers.append(Stage(down, blocks))
        self.layers = nn.Sequential(*layers)
        self.num_features = c["embedDim"] << (len(depths) - 1)
        self.norm = nn.LayerNorm(self.num_features, eps=eps)
        self.head = Head(self.num_features, c["numClasses"])

    def no_weight_decay(self):
        return {n for n, _ in self.named_parameters() if n.endswith("relative_position_bias_table")}

    def forward_features(self, x):
        if self.pad_before or self.pad_after:
            p = (self.pad_before, self.pad_after)
            x = F.pad(x, p + p)
        return self.norm(self.layers(self.patch_embed(x)))

    def forward(self, x):
        return self.head(self.forward_features(x).mean(dim=(1, 2)))


def build(c):
    return SwinTransformer(c), c["channels"], c["imageSize"]
