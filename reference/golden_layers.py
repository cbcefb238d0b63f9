#!/usr/bin/env python3
"""Writes the PyTorch golden files for jvit's nn layers and losses (nn/src/test/resources/golden/layers/).

Each file holds one layer's case: its parameters under timm/PyTorch state-dict names prefixed "param.", the
input x, a random upstream gradient grad_out, the output out, and the gradients grad_x and "grad.<name>" for
every parameter. The JUnit tests in nn/src/test/java/dev/jvit/nn/layers/ load the parameters into the jvit
layer with Module.loadStateDict and compare (relative error ||a - b|| / ||b||).

As in make_golden.py, inputs and parameters are random float32 values from a fixed seed, and the reference
runs in float64 from exactly those values, rounded to float32 once. The modules below copy timm's
Attention, Mlp and Block line for line (timm itself is not needed), so parameter names and math match it.

Run from the repository root:  python3 reference/golden_layers.py
"""

import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Case, write_safetensors  # noqa: E402  (the shared format writer and seeded inputs)

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test",
                                        "resources", "golden", "layers"))


# ---- timm's modules, copied (timm.models.vision_transformer / timm.layers.mlp) -------------------------

class Attention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        if mask is not None:
            # scaled_dot_product_attention's rules: bool True = may attend, float = added
            attn = attn.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else attn + mask
        attn = attn.softmax(dim=-1)
        self.last_attn = attn
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
    def __init__(self, dim, num_heads, mlp_ratio=4.0, eps=1e-6):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


# ---- helpers -------------------------------------------------------------------------------------------

def random_params(c, module):
    """Fresh float32 values for every parameter: norm weights near 1, everything else ~ N(0, 1/fan_in)."""
    out = {}
    for name, p in module.named_parameters():
        if name.endswith("weight") and p.dim() == 1:
            out[name] = c.randn(*p.shape, scale=0.3, shift=1.0)
        elif p.dim() >= 2:
            fan_in = p[0].numel()
            out[name] = c.randn(*p.shape, scale=1.0 / math.sqrt(fan_in))
        else:
            out[name] = c.randn(*p.shape, scale=0.2)
    return out


def module_case(name, seed, module, x, meta, forward=None, extra=None):
    """Runs module in float64 with fresh parameters on x; saves params, input, output and all gradients."""
    c = Case(seed)
    params = random_params(c, module)
    module = module.double()
    module.load_state_dict({k: v.double() for k, v in params.items()})
    xd = x.double().requires_grad_(True) if x.dtype.is_floating_point else x
    out = (forward or module)(xd)
    g = c.randn(*out.shape)
    inputs = list(module.parameters()) + ([xd] if xd.requires_grad else [])
    gs = torch.autograd.grad(out, inputs, grad_outputs=g.double())
    tensors = {"x": x, "grad_out": g, "out": out.detach().float()}
    names = [n for n, _ in module.named_parameters()]
    for n, gr in zip(names, gs):
        tensors["param." + n] = params[n]
        tensors["grad." + n] = gr.float()
    if xd.requires_grad:
        tensors["grad_x"] = gs[-1].float()
    tensors.update(extra(module) if extra else {})
    save(name, tensors, meta)


def save(name, tensors, metadata):
    path = os.path.join(OUT_DIR, name + ".safetensors")
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    meta = {k: str(v) for k, v in metadata.items()}
    meta["generated_by"] = "reference/golden_layers.py"
    meta["torch_version"] = torch.__version__
    write_safetensors(path, tensors, meta)
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes, {len(tensors)} tensors")


# ---- cases ---------------------------------------------------------------------------------------------

def layer_cases():
    c = Case(1001)
    module_case("linear", 1002, nn.Linear(5, 4), c.randn(2, 3, 5), {"layer": "Linear(5, 4)", "x": [2, 3, 5]})
    module_case("linear_nobias", 1003, nn.Linear(5, 4, bias=False), c.randn(3, 5),
                {"layer": "Linear(5, 4, bias=False)", "x": [3, 5]})
    module_case("layer_norm", 1004, nn.LayerNorm(6, eps=1e-5), c.randn(2, 4, 6, scale=1.5, shift=0.3),
                {"layer": "LayerNorm(6, eps=1e-5)", "x": [2, 4, 6]})
    for approx in ("none", "tanh"):
        module_case("gelu_" + approx, 1005, nn.GELU(approximate=approx), c.randn(3, 7, scale=2.0),
                    {"layer": f"GELU(approximate='{approx}')", "x": [3, 7]})
    module_case("conv2d_s2_p1", 1006, nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1), c.randn(2, 3, 7, 6),
                {"layer": "Conv2d(3, 4, kernel_size=3, stride=2, padding=1)", "x": [2, 3, 7, 6]})
    module_case("conv2d_patch", 1007, nn.Conv2d(3, 6, kernel_size=4, stride=4), c.randn(2, 3, 8, 8),
                {"layer": "Conv2d(3, 6, kernel_size=4, stride=4) (a ViT patch embedding)", "x": [2, 3, 8, 8]})
    module_case("mlp", 1008, Mlp(8, 16), c.randn(2, 5, 8), {"layer": "timm Mlp(8, 16), exact GELU", "x": [2, 5, 8]})
    module_case("block", 1009, Block(8, 2), c.randn(2, 5, 8),
                {"layer": "timm Block(dim=8, num_heads=2, mlp_ratio=4, qkv_bias=True, eps=1e-6), no dropout",
                 "x": [2, 5, 8]})
    ids = torch.tensor([[1, 3, 3], [0, 9, 1]], dtype=torch.int32)  # repeats: their gradients must add up
    module_case("embedding", 1010, nn.Embedding(10, 4), ids, {"layer": "Embedding(10, 4)", "x": "int32 (2, 3)"})


def attention_cases():
    c = Case(1101)
    B, N, C, H = 2, 5, 8, 2
    x = c.randn(B, N, C)
    keep = lambda m: {"attn": m.last_attn.detach().float()}
    module_case("mhsa", 1102, Attention(C, H), x, {"layer": "timm Attention(8, num_heads=2, qkv_bias=True)",
                                                   "x": [B, N, C]}, extra=keep)
    causal = torch.ones(N, N, dtype=torch.bool).tril()
    att = Attention(C, H)
    module_case("mhsa_allow_mask", 1103, att, x, {"layer": "timm Attention(8, 2) with a causal bool mask (N, N)",
                                                  "mask": "bool, True = may attend"},
                forward=lambda t: att(t, causal), extra=lambda m: {"attn": m.last_attn.detach().float(),
                                                                   "mask": causal.int()})
    additive = Case(1104).randn(B, 1, N, N)
    att2 = Attention(C, H)
    module_case("mhsa_additive_mask", 1105, att2, x, {"layer": "timm Attention(8, 2) with an additive mask (B,1,N,N)"},
                forward=lambda t: att2(t, additive.double()), extra=lambda m: {"attn": m.last_attn.detach().float(),
                                                                               "mask": additive})


def loss_cases():
    c = Case(1201)
    logits = c.randn(7, 5, scale=2.0)
    labels = torch.tensor([2, -100, 0, 4, 4, -100, 1], dtype=torch.int32)
    tensors = {"logits": logits, "labels": labels}
    for red in ("mean", "sum", "none"):
        ld = logits.double().requires_grad_(True)
        out = F.cross_entropy(ld, labels.long(), ignore_index=-100, label_smoothing=0.1, reduction=red)
        g = c.randn(*out.shape)
        (gl,) = torch.autograd.grad(out, [ld], grad_outputs=g.double())
        tensors.update({f"grad_out_{red}": g, f"out_{red}": out.detach().float(), f"grad_logits_{red}": gl.float()})
    soft = torch.softmax(c.randn(7, 5), dim=-1)
    ld = logits.double().requires_grad_(True)
    out = F.cross_entropy(ld, soft.double(), label_smoothing=0.1)
    (gl,) = torch.autograd.grad(out, [ld])
    tensors.update({"soft_targets": soft, "out_soft": out.detach().float(), "grad_logits_soft": gl.float()})
    save("cross_entropy", tensors, {"op": "cross_entropy", "label_smoothing": 0.1, "ignore_index": -100,
                                    "cases": "labels with reduction mean/sum/none; soft targets (mean)"})

    pred, target = c.randn(3, 4), c.randn(3, 4)
    tensors = {"pred": pred, "target": target}
    for red in ("mean", "sum"):
        pd, td = pred.double().requires_grad_(True), target.double().requires_grad_(True)
        out = F.mse_loss(pd, td, reduction=red)
        gp, gt = torch.autograd.grad(out, [pd, td])
        tensors.update({f"out_{red}": out.detach().float(), f"grad_pred_{red}": gp.float(),
                        f"grad_target_{red}": gt.float()})
    save("mse", tensors, {"op": "mse_loss", "reductions": "mean sum"})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    layer_cases()
    attention_cases()
    loss_cases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
