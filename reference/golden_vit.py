#!/usr/bin/env python3
"""Writes the golden files of a whole Vision Transformer for `jvit infer` (vit/src/test/resources/golden/).

A small ViT (32x32 RGB images, 8x8 patches, dim 32, depth 2, 2 heads, MLP 64, learned position embedding,
class token, 10 classes, LayerNorm eps 1e-6) with random weights, written the way timm writes one, so the
Java test checks that a timm state dict loads into jvit by name and computes the same logits:

  vit_golden_config.json          the same model as a jvit ViTConfig (the record's fields, for --config FILE)
  vit_golden_weights.safetensors  the state dict, timm's parameter names, float32
  vit_golden_images.npy           float32 (4, 3, 32, 32), "already normalised" random images
  vit_golden_logits.npy           float32 (4, 10), the model's logits
  vit_golden_rollout.npy          float32 (4, 17), per image row 0 of the attention rollout (Abnar and Zuidema
                                  2020: heads averaged, identity added, rows renormalised, blocks multiplied)

timm itself is not needed: the classes below copy the parts of timm.models.vision_transformer that a plain
ViT uses (PatchEmbed's strided conv, cls_token, pos_embed, Block with norm1/attn.qkv/attn.proj/norm2/
mlp.fc1/mlp.fc2, norm, head on the class token), with the same parameter names. As in make_golden.py the
parameters and inputs are float32 values from a fixed seed, and the model runs in float64 from exactly those
values, its outputs rounded to float32 once.

Run from the repository root:  python3 reference/golden_vit.py
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Case, write_safetensors  # noqa: E402  (the shared format writer and seeded inputs)

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vit", "src", "test",
                                        "resources", "golden"))

CONFIG = {  # a jvit ViTConfig, field by field
    "name": "golden-vit", "imageSize": 32, "channels": 3, "patchSize": 8, "dim": 32, "depth": 2, "heads": 2,
    "mlpDim": 64, "numClasses": 10, "dropout": 0.0, "attnDropout": 0.0, "dropPath": 0.0, "posEmbed": "learned",
    "classToken": True, "globalPool": False, "convPatchEmbed": True, "layerNormEps": 1e-6,
}


# ---- timm's ViT, the parts a plain model uses (timm.models.vision_transformer, timm.layers) -----------

class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, C, H, W) -> (B, N, D)


class Attention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        self.last_attn = attn  # (B, H, N, N)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_hidden, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, mlp_hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.patch_embed = PatchEmbed(c["imageSize"], c["patchSize"], c["channels"], c["dim"])
        self.cls_token = nn.Parameter(torch.zeros(1, 1, c["dim"]))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, c["dim"]))
        eps = c["layerNormEps"]
        self.blocks = nn.Sequential(*[Block(c["dim"], c["heads"], c["mlpDim"], eps) for _ in range(c["depth"])])
        self.norm = nn.LayerNorm(c["dim"], eps=eps)
        self.head = nn.Linear(c["dim"], c["numClasses"])

    def forward_features(self, x):
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = x + self.pos_embed
        return self.norm(self.blocks(x))

    def forward_head(self, x):
        return self.head(x[:, 0])  # global_pool='token'

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


# ---- the case -----------------------------------------------------------------------------------------

def random_params(c, module):
    """float32 values that keep every part of the model visible in the logits: norm weights near 1, matrices
    ~ N(0, 1/fan_in), biases ~ N(0, 0.2^2), class token and position embedding ~ N(0, 0.5^2)."""
    out = {}
    for name, p in module.named_parameters():
        if name in ("cls_token", "pos_embed"):
            out[name] = c.randn(*p.shape, scale=0.5)
        elif name.endswith("weight") and p.dim() == 1:
            out[name] = c.randn(*p.shape, scale=0.3, shift=1.0)
        elif p.dim() >= 2:
            out[name] = c.randn(*p.shape, scale=1.0 / math.sqrt(p[0].numel()))
        else:
            out[name] = c.randn(*p.shape, scale=0.2)
    return out


def rollout(attns):
    """attns: per block (B, H, T, T) -> (B, T, T) attention rollout, first block applied first."""
    r = None
    for a in attns:
        a = a.mean(dim=1)
        a = a + torch.eye(a.shape[-1], dtype=a.dtype)
        a = a / a.sum(dim=-1, keepdim=True)
        r = a if r is None else a @ r
    return r


def save_npy(name, array):
    path = os.path.join(OUT_DIR, name)
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes, shape {tuple(array.shape)}")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.manual_seed(0)  # module construction draws default inits; every value is replaced below
    c = Case(2001)
    model = VisionTransformer(CONFIG)
    params = random_params(c, model)
    images = c.randn(4, CONFIG["channels"], CONFIG["imageSize"], CONFIG["imageSize"])

    model = model.double().eval()
    model.load_state_dict({k: v.double() for k, v in params.items()})
    with torch.no_grad():
        logits = model(images.double())
        roll = rollout([blk.attn.last_attn for blk in model.blocks])

    path = os.path.join(OUT_DIR, "vit_golden_weights.safetensors")
    meta = {"generated_by": "reference/golden_vit.py", "torch_version": torch.__version__,
            "model": "timm-layout ViT " + json.dumps(CONFIG, sort_keys=True)}
    write_safetensors(path, {k: v.contiguous() for k, v in params.items()}, meta)
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes, {len(params)} tensors")
    save_npy("vit_golden_images.npy", images.numpy())
    save_npy("vit_golden_logits.npy", logits.float().numpy())
    save_npy("vit_golden_rollout.npy", roll[:, 0, :].float().numpy())
    path = os.path.join(OUT_DIR, "vit_golden_config.json")
    with open(path, "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    print(f"{os.path.relpath(path)}")


if __name__ == "__main__":
    main()
