#!/usr/bin/env python3
"""Writes the PyTorch golden files that jvit's JUnit tests compare against.

Each case is one small safetensors file in nn/src/test/resources/golden/: the inputs (fresh random values
from a fixed seed, never zeros), a random upstream gradient, the forward outputs and the gradients of every
input. The test in nn/src/test/java/dev/jvit/nn/golden/ recomputes them with jvit and checks the relative
error ||out - ref|| / ||ref||.

Inputs are drawn as float32 and stored as float32. The reference is computed in float64 from exactly those
float32 values and rounded to float32 once, so it is the true answer to within float32 rounding rather than
another float32 implementation with its own accumulated error.

Naming inside a file: inputs by name (x, w, ...), the upstream gradient grad_out, the output out, the
gradient of input x grad_x. Files holding several ops suffix every name with _<op>. The __metadata__ map
says what was computed (op, shapes, parameters) so a failing test can print it.

Run from the repository root:  python3 reference/make_golden.py
Needs python3-torch and python3-numpy; uses the safetensors package when installed, else writes the
(simple) format itself.
"""

import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test", "resources", "golden"))

try:
    from safetensors.torch import save_file as _save_file
except ImportError:
    _save_file = None


def save(name, tensors, metadata):
    """Writes tensors (float32 or int64, made contiguous) and string metadata to OUT_DIR/name.safetensors."""
    path = os.path.join(OUT_DIR, name + ".safetensors")
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    for k, v in tensors.items():
        if v.dtype not in (torch.float32, torch.int64, torch.int32):
            raise ValueError(f"{name}: tensor {k} has dtype {v.dtype}; store float32 or integers")
    meta = {k: str(v) for k, v in metadata.items()}
    meta["generated_by"] = "reference/make_golden.py"
    meta["torch_version"] = torch.__version__
    if _save_file is not None:
        _save_file(tensors, path, metadata=meta)
    else:
        write_safetensors(path, tensors, meta)
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes, {len(tensors)} tensors")


def write_safetensors(path, tensors, metadata):
    """The format by hand: u64 little-endian header length, JSON header padded with spaces to a multiple of 8,
    then the little-endian data in name order (what the safetensors package does when every dtype has the
    same alignment; int64 is sorted first there, as it is here)."""
    codes = {torch.float32: ("F32", 4), torch.int32: ("I32", 4), torch.int64: ("I64", 8)}
    order = sorted(tensors, key=lambda k: (-codes[tensors[k].dtype][1], k))
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for k in order:
        t = tensors[k]
        code, _ = codes[t.dtype]
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[k] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


class Case:
    """Random float32 inputs from one seeded generator; the reference math runs in float64."""

    def __init__(self, seed):
        self.gen = torch.Generator().manual_seed(seed)

    def randn(self, *shape, scale=1.0, shift=0.0):
        return torch.randn(tuple(shape), generator=self.gen, dtype=torch.float32) * scale + shift

    def uniform(self, lo, hi, *shape):
        return torch.rand(tuple(shape), generator=self.gen, dtype=torch.float32) * (hi - lo) + lo

    def away_from_zero(self, *shape, lo=0.5, hi=2.0):
        """Magnitudes in [lo, hi) with random signs: safe divisors, and no relu/max ties at 0."""
        mag = self.uniform(lo, hi, *shape)
        sign = torch.where(torch.rand(tuple(shape), generator=self.gen) < 0.5, -1.0, 1.0)
        return mag * sign


def grads(out, upstream, inputs):
    """d(sum(out * upstream)) / d(inputs), in float64."""
    return torch.autograd.grad(out, inputs, grad_outputs=upstream)


def f64(*ts):
    return [t.double().requires_grad_(True) for t in ts]


def f32(t):
    return t.detach().float()


def case_unary_grad(name, seed, fn, x, meta):
    c = Case(seed)
    g = c.randn(*fn(x.double()).shape)
    (xd,) = f64(x)
    out = fn(xd)
    (gx,) = grads(out, g.double(), [xd])
    save(name, {"x": x, "grad_out": g, "out": f32(out), "grad_x": f32(gx)}, meta)


# ---- matmul --------------------------------------------------------------------------------------------

def matmul_cases():
    for name, seed, sa, sb in [
        ("matmul_2d", 101, (5, 7), (7, 3)),
        # batch dims broadcast: (2,1) with (3,) -> (2,3)
        ("matmul_batched_broadcast", 102, (2, 1, 4, 5), (3, 5, 6)),
    ]:
        c = Case(seed)
        a, b = c.randn(*sa), c.randn(*sb)
        ad, bd = f64(a, b)
        out = ad @ bd
        g = c.randn(*out.shape)
        ga, gb = grads(out, g.double(), [ad, bd])
        save(name, {"a": a, "b": b, "grad_out": g, "out": f32(out), "grad_a": f32(ga), "grad_b": f32(gb)},
             {"op": "matmul", "a_shape": list(sa), "b_shape": list(sb)})


# ---- softmax family ------------------------------------------------------------------------------------

def softmax_cases():
    c = Case(201)
    case_unary_grad("softmax", 202, lambda t: torch.softmax(t, dim=-1), c.randn(3, 4, 7, scale=2.0),
                    {"op": "softmax", "dim": -1})
    # large logits: an implementation that forgets to subtract the row max overflows exp here
    c = Case(203)
    case_unary_grad("softmax_shifted", 204, lambda t: torch.softmax(t, dim=-1), c.randn(4, 6, scale=10.0, shift=80.0),
                    {"op": "softmax", "dim": -1, "note": "logits around 80, beyond exp's float32 range"})
    c = Case(205)
    case_unary_grad("log_softmax", 206, lambda t: torch.log_softmax(t, dim=-1), c.randn(3, 4, 7, scale=2.0),
                    {"op": "log_softmax", "dim": -1})


# ---- layer norm ----------------------------------------------------------------------------------------

def layer_norm_cases():
    for name, seed, eps in [("layer_norm_eps1e-5", 301, 1e-5), ("layer_norm_eps1e-6", 302, 1e-6)]:
        c = Case(seed)
        x = c.randn(2, 5, 8, scale=1.5, shift=0.3)
        w = c.randn(8, scale=0.5, shift=1.0)
        b = c.randn(8, scale=0.5)
        xd, wd, bd = f64(x, w, b)
        out = F.layer_norm(xd, (8,), wd, bd, eps)
        g = c.randn(*out.shape)
        gx, gw, gb = grads(out, g.double(), [xd, wd, bd])
        save(name, {"x": x, "weight": w, "bias": b, "grad_out": g, "out": f32(out),
                    "grad_x": f32(gx), "grad_weight": f32(gw), "grad_bias": f32(gb)},
             {"op": "layer_norm", "normalized_shape": [8], "eps": repr(eps)})


# ---- GELU ----------------------------------------------------------------------------------------------

def gelu_cases():
    for name, seed, approx in [("gelu_exact", 401, "none"), ("gelu_tanh", 402, "tanh")]:
        c = Case(seed)
        case_unary_grad(name, seed + 10, lambda t: F.gelu(t, approximate=approx), c.randn(4, 9, scale=2.5),
                        {"op": "gelu", "approximate": approx})


# ---- attention from primitives -------------------------------------------------------------------------

def attention_case():
    """timm's Attention: qkv Linear -> (3,B,H,N,D) -> softmax(q.k^T / sqrt(D)) . v -> merge heads -> proj."""
    B, N, C, H = 2, 5, 8, 2
    D = C // H
    c = Case(501)
    x = c.randn(B, N, C)
    qkv_w = c.randn(3 * C, C, scale=1.0 / math.sqrt(C))
    qkv_b = c.randn(3 * C, scale=0.1)
    proj_w = c.randn(C, C, scale=1.0 / math.sqrt(C))
    proj_b = c.randn(C, scale=0.1)
    xd, qw, qb, pw, pb = f64(x, qkv_w, qkv_b, proj_w, proj_b)
    qkv = (xd @ qw.t() + qb).reshape(B, N, 3, H, D).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = torch.softmax((q @ k.transpose(-2, -1)) / math.sqrt(D), dim=-1)
    y = (attn @ v).transpose(1, 2).reshape(B, N, C)
    out = y @ pw.t() + pb
    g = c.randn(*out.shape)
    gx, gqw, gqb, gpw, gpb = grads(out, g.double(), [xd, qw, qb, pw, pb])
    save("attention", {
        "x": x, "qkv_weight": qkv_w, "qkv_bias": qkv_b, "proj_weight": proj_w, "proj_bias": proj_b,
        "grad_out": g, "out": f32(out), "attn": f32(attn),
        "grad_x": f32(gx), "grad_qkv_weight": f32(gqw), "grad_qkv_bias": f32(gqb),
        "grad_proj_weight": f32(gpw), "grad_proj_bias": f32(gpb),
    }, {"op": "attention", "B": B, "N": N, "C": C, "heads": H, "head_dim": D,
        "note": "attn is the (B,H,N,N) softmax probabilities, for locating a mismatch"})


# ---- broadcasting elementwise --------------------------------------------------------------------------

def broadcast_case():
    c = Case(601)
    a = c.randn(3, 1, 4)
    b = c.away_from_zero(5, 4)
    tensors = {"a": a, "b": b}
    for op, fn in [("add", torch.add), ("mul", torch.mul), ("div", torch.div)]:
        ad, bd = f64(a, b)
        out = fn(ad, bd)
        g = c.randn(*out.shape)
        ga, gb = grads(out, g.double(), [ad, bd])
        tensors.update({f"grad_out_{op}": g, f"out_{op}": f32(out), f"grad_a_{op}": f32(ga), f"grad_b_{op}": f32(gb)})
    save("broadcast_binary", tensors, {"ops": "add mul div", "a_shape": [3, 1, 4], "b_shape": [5, 4],
                                       "out_shape": [3, 5, 4]})


# ---- reductions ----------------------------------------------------------------------------------------

def reduction_case():
    c = Case(701)
    x = c.randn(3, 4, 5, scale=1.5, shift=0.5)
    specs = [
        ("sum_d1", lambda t: t.sum(dim=1)),
        ("sum_all", lambda t: t.sum()),
        ("mean_d02", lambda t: t.mean(dim=(0, 2))),
        ("mean_d2_keepdim", lambda t: t.mean(dim=2, keepdim=True)),
        ("max_d2", lambda t: t.max(dim=2).values),
        ("var_d1", lambda t: t.var(dim=1, unbiased=True)),
        ("var_d12_population", lambda t: t.var(dim=(1, 2), unbiased=False)),
    ]
    tensors = {"x": x}
    for op, fn in specs:
        (xd,) = f64(x)
        out = fn(xd)
        g = c.randn(*out.shape)
        (gx,) = grads(out, g.double(), [xd])
        tensors.update({f"grad_out_{op}": g, f"out_{op}": f32(out), f"grad_x_{op}": f32(gx)})
    save("reductions", tensors, {"ops": " ".join(op for op, _ in specs), "x_shape": [3, 4, 5],
                                 "var": "var_d1 is unbiased (correction 1), var_d12_population uses correction 0"})


# ---- unary ---------------------------------------------------------------------------------------------

def unary_case():
    c = Case(801)
    x = c.away_from_zero(4, 6, lo=0.05, hi=2.5)
    x_pos = c.uniform(0.1, 3.0, 4, 6)  # log's domain
    specs = [
        ("exp", torch.exp, x), ("log", torch.log, x_pos), ("tanh", torch.tanh, x),
        ("erf", torch.erf, x), ("sigmoid", torch.sigmoid, x), ("relu", torch.relu, x),
    ]
    tensors = {"x": x, "x_pos": x_pos}
    for op, fn, inp in specs:
        (xd,) = f64(inp)
        out = fn(xd)
        g = c.randn(*out.shape)
        (gx,) = grads(out, g.double(), [xd])
        tensors.update({f"grad_out_{op}": g, f"out_{op}": f32(out), f"grad_x_{op}": f32(gx)})
    save("unary", tensors, {"ops": " ".join(op for op, _, _ in specs), "log_input": "x_pos", "others_input": "x"})


# ---- cross-entropy with int64 labels (PyTorch's default integer type) ----------------------------------

def cross_entropy_case():
    c = Case(901)
    logits = c.randn(6, 10, scale=2.0)
    labels = torch.randint(0, 10, (6,), generator=c.gen, dtype=torch.int64)
    (ld,) = f64(logits)
    loss = F.cross_entropy(ld, labels)
    (gl,) = torch.autograd.grad(loss, [ld])
    save("cross_entropy", {"logits": logits, "labels": labels, "out": f32(loss), "grad_logits": f32(gl)},
         {"op": "cross_entropy", "reduction": "mean", "labels_dtype": "int64",
          "note": "grad_logits is for an upstream gradient of 1 on the scalar loss"})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    matmul_cases()
    softmax_cases()
    layer_norm_cases()
    gelu_cases()
    attention_case()
    broadcast_case()
    reduction_case()
    unary_case()
    cross_entropy_case()
    return 0


if __name__ == "__main__":
    sys.exit(main())
