"""PyTorch twin of jvit's DistilledVisionTransformer (vit/src/main/java/dev/jvit/vit/model/
DistilledVisionTransformer.java), family "deit", in the shape of timm's VisionTransformerDistilled: cls_token and
dist_token before the patches, a position embedding over both (N + 2 tokens), head on token 0, head_dist on
token 1. Same fields as a jvit ViT preset (the "vit" family) and the same init: trunc_normal(0.02) for the
tokens and a learned position table, PyTorch's default for Linear and Conv2d.

forward returns the mean of the two heads' logits in every mode. That is DeiT's prediction, and it is what the
timed training step of `jvit bench compare` trains on both sides: plain cross-entropy of the averaged heads
against the batch's labels. The real distillation step of `jvit train --teacher` (0.5 CE(head, label) +
0.5 CE(head_dist, argmax teacher)) differs from the timed one by a second (B, classes) cross-entropy and the
teacher's forward pass, neither of which is timed here; forward_heads gives the two heads for such a loss.
"""

import torch
import torch.nn as nn

import vit_torch


class DistilledVisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        if not c["classToken"] or c["globalPool"]:
            raise SystemExit(f"{c['name']}: a distilled ViT needs its class token and no global pooling")
        d, grid = c["dim"], c["imageSize"] // c["patchSize"]
        tokens = grid * grid + 2
        self.patch_embed = vit_torch.PatchEmbed(c["channels"], c["patchSize"], d, c["convPatchEmbed"])
        self.cls_token = nn.Parameter(torch.empty(1, 1, d))
        self.dist_token = nn.Parameter(torch.empty(1, 1, d))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.dist_token, std=0.02)
        kind = c["posEmbed"].lower()
        if kind == "learned":
            self.pos_embed = nn.Parameter(torch.empty(1, tokens, d))
            nn.init.trunc_normal_(self.pos_embed, std=0.02)
        elif kind == "sincos1d":
            self.register_buffer("pos_embed", vit_torch.sincos_1d(tokens, d).unsqueeze(0))
        elif kind == "sincos2d":
            table = torch.cat([torch.zeros(2, d), vit_torch.sincos_2d(grid, grid, d)], dim=0)
            self.register_buffer("pos_embed", table.unsqueeze(0))
        else:
            self.pos_embed = None
        self.pos_drop = nn.Dropout(c["dropout"])
        depth = c["depth"]
        rates = [c["dropPath"] * i / (depth - 1) if depth > 1 else c["dropPath"] for i in range(depth)]
        self.blocks = nn.Sequential(*[vit_torch.Block(c, r) for r in rates])
        self.norm = nn.LayerNorm(d, eps=c["layerNormEps"])
        self.head = nn.Linear(d, c["numClasses"])
        self.head_dist = nn.Linear(d, c["numClasses"])

    def no_weight_decay(self):
        return {"cls_token", "dist_token", "pos_embed"}

    def forward_heads(self, x):
        t = self.patch_embed(x)
        b = t.shape[0]
        t = torch.cat([self.cls_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), t], dim=1)
        if self.pos_embed is not None:
            t = t + self.pos_embed
        t = self.norm(self.blocks(self.pos_drop(t)))
        return self.head(t[:, 0]), self.head_dist(t[:, 1])

    def forward(self, x):
        cls, dist = self.forward_heads(x)
        return (cls + dist) / 2


def build(c):
    return DistilledVisionTransformer(c), c["channels"], c["imageSize"]
