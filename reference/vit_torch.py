#!/usr/bin/env python3
"""jvit's model presets in PyTorch, for timing a training step side by side with jvit (`./jvit bench compare`).

The models are built as jvit builds them (vit/src/main/java/dev/jvit/vit/model): timm's parameter names
(patch_embed.proj.weight, cls_token, pos_embed, blocks.0.attn.qkv.weight, ...), PyTorch's default init for
Linear and Conv2d (which jvit copies), trunc_normal(std=0.02) for the class token and a learned position
embedding, fixed sin-cos tables as buffers, exact GELU, dropout where the preset has it. One training step is
what jvit's benchmarks/src/main/java/dev/jvit/bench/TrainStep.java does: forward, cross-entropy, zero_grad,
backward, AdamW (lr 1e-3, weight decay 0.05 on matrices only, as timm's optimizer factory splits them), and
loss.item(). The batch is random data drawn once: standard normal images, labels uniform in [0, 10).

usage:
  python3 reference/vit_torch.py --preset mnist-small --batch 128 --threads 2 --steps 20
      times 20 steps after a warm-up and prints one line with images per second and peak memory
  python3 reference/vit_torch.py --config-json '{"name": ..., "imageSize": 28, ...}' --serve
      (how jvit drives it) builds the model, prints "ready ...", then answers commands on stdin, one a line:
        steps S   runs S steps, prints "done steps=S seconds=T"
        memory    prints "memory peak_rss_kb=K [cuda_peak_bytes=B]" (peak resident set, see peak_rss_kb())
        quit      exits (so does the end of stdin)

Threads: torch.set_num_threads(T). Run with OPENBLAS_NUM_THREADS=T (jvit's harness sets it) so the BLAS
behind the matrix products uses the same count.
"""

import argparse
import importlib
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LR, WEIGHT_DECAY, CLASSES = 1e-3, 0.05, 10

# jvit's ViTConfig presets, field by field (ViTConfig.java); jvit passes --config-json so the two never drift
PRESETS = {
    "mnist-tiny": dict(imageSize=28, channels=1, patchSize=4, dim=8, depth=2, heads=2, mlpDim=32, dropout=0.0,
                       posEmbed="sincos1d", convPatchEmbed=False, layerNormEps=1e-5),
    "mnist-small": dict(imageSize=28, channels=1, patchSize=4, dim=64, depth=6, heads=4, mlpDim=128, dropout=0.1,
                        posEmbed="sincos1d", convPatchEmbed=False, layerNormEps=1e-5),
    "cifar-demo": dict(imageSize=32, channels=3, patchSize=8, dim=64, depth=2, heads=2, mlpDim=128, dropout=0.1,
                       posEmbed="sincos2d", convPatchEmbed=False, layerNormEps=1e-5),
    "vit-ti16": dict(imageSize=224, channels=3, patchSize=16, dim=192, depth=12, heads=3, mlpDim=768, dropout=0.0,
                     posEmbed="learned", convPatchEmbed=True, layerNormEps=1e-6),
}
COMMON = dict(numClasses=CLASSES, attnDropout=0.0, dropPath=0.0, classToken=True, globalPool=False)


def preset(name):
    if name == "hybrid-mnist":
        return {"name": name, "family": name}
    if name not in PRESETS:
        raise SystemExit(f"unknown preset '{name}' (known: {', '.join(list(PRESETS) + ['hybrid-mnist'])})")
    return dict(name=name, family="vit", **COMMON, **PRESETS[name])


# ---- position tables (vit/src/main/java/dev/jvit/vit/model/SinCos.java) ---------------------------------

def sincos_1d(positions, width):
    """(positions, width): column 2i is sin(pos / 10000^(2i/width)), column 2i+1 the cosine."""
    out = torch.zeros(positions, width, dtype=torch.float64)
    for i in range(0, width, 2):
        angle = torch.arange(positions, dtype=torch.float64) / math.pow(10000.0, i / width)
        out[:, i] = torch.sin(angle)
        if i + 1 < width:
            out[:, i + 1] = torch.cos(angle)
    return out.float()


def sincos_2d(gh, gw, dim):
    half = dim // 2
    rows, cols = sincos_1d(gh, half), sincos_1d(gw, half)
    return torch.cat([rows.repeat_interleave(gw, dim=0), cols.repeat(gh, 1)], dim=1)  # (gh*gw, dim)


# ---- the model (timm's vision_transformer.py layout) ----------------------------------------------------

class PatchEmbed(nn.Module):
    def __init__(self, channels, patch, dim, use_conv):
        super().__init__()
        self.patch, self.dim, self.use_conv = patch, dim, use_conv
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        if self.use_conv:
            return self.proj(x).flatten(2).transpose(1, 2)
        # jvit's patchify + one matmul with the flattened conv weight: the same numbers, a Linear's cost
        b, c, h, w = x.shape
        p = self.patch
        patches = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5).reshape(b, -1, c * p * p)
        return F.linear(patches, self.proj.weight.reshape(self.dim, -1), self.proj.bias)


class Attention(nn.Module):
    def __init__(self, dim, heads, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)
        x = (self.attn_drop(attn) @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj_drop(self.proj(x))


class Mlp(nn.Module):
    def __init__(self, dim, hidden, drop):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.drop1 = nn.Dropout(drop)
        self.fc2 = nn.Linear(hidden, dim)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x):
        return self.drop2(self.fc2(self.drop1(self.act(self.fc1(x)))))


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device).bernoulli_(1 - self.p)
        return x * keep / (1 - self.p)


class Block(nn.Module):
    def __init__(self, c, drop_path):
        super().__init__()
        d, eps = c["dim"], c["layerNormEps"]
        self.norm1 = nn.LayerNorm(d, eps=eps)
        self.attn = Attention(d, c["heads"], c["attnDropout"], c["dropout"])
        self.drop_path1 = DropPath(drop_path)
        self.norm2 = nn.LayerNorm(d, eps=eps)
        self.mlp = Mlp(d, c["mlpDim"], c["dropout"])
        self.drop_path2 = DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path1(self.attn(self.norm1(x)))
        return x + self.drop_path2(self.mlp(self.norm2(x)))


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, grid = c["dim"], c["imageSize"] // c["patchSize"]
        tokens = grid * grid + (1 if c["classToken"] else 0)
        self.patch_embed = PatchEmbed(c["channels"], c["patchSize"], d, c["convPatchEmbed"])
        self.cls_token = nn.Parameter(torch.empty(1, 1, d)) if c["classToken"] else None
        if self.cls_token is not None:
            nn.init.trunc_normal_(self.cls_token, std=0.02)
        kind = c["posEmbed"].lower()
        if kind == "learned":
            self.pos_embed = nn.Parameter(torch.empty(1, tokens, d))
            nn.init.trunc_normal_(self.pos_embed, std=0.02)
        elif kind == "sincos1d":
            self.register_buffer("pos_embed", sincos_1d(tokens, d).unsqueeze(0))
        elif kind == "sincos2d":
            table = sincos_2d(grid, grid, d)
            if c["classToken"]:
                table = torch.cat([torch.zeros(1, d), table], dim=0)
            self.register_buffer("pos_embed", table.unsqueeze(0))
        else:
            self.pos_embed = None
        self.pos_drop = nn.Dropout(c["dropout"])
        depth = c["depth"]
        rates = [c["dropPath"] * i / (depth - 1) if depth > 1 else c["dropPath"] for i in range(depth)]
        self.blocks = nn.Sequential(*[Block(c, r) for r in rates])
        self.norm = nn.LayerNorm(d, eps=c["layerNormEps"])
        self.head = nn.Linear(d, c["numClasses"])

    def forward(self, x):
        t = self.patch_embed(x)
        if self.cls_token is not None:
            t = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], dim=1)
        if self.pos_embed is not None:
            t = t + self.pos_embed
        t = self.norm(self.blocks(self.pos_drop(t)))
        if self.c["globalPool"]:
            start = 1 if self.cls_token is not None else 0
            return self.head(t[:, start:].mean(dim=1))
        return self.head(t[:, 0])


class HybridMnist(nn.Module):
    """jvit's HybridMnist: Linear 784->128, ReLU, attention, Linear 128->64, ReLU, attention, Linear 64->10,
    each image one token (attention over a sequence of length one)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.attn1 = Attention(128, 1)
        self.fc2 = nn.Linear(128, 64)
        self.attn2 = Attention(64, 1)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        h = F.relu(self.fc1(x.reshape(x.shape[0], 784)))
        h = self.attn1(h.unsqueeze(1)).squeeze(1)
        h = F.relu(self.fc2(h))
        h = self.attn2(h.unsqueeze(1)).squeeze(1)
        return self.fc3(h)


def build(c):
    """The model of a jvit preset description and its input (channels, size). "family" says which builder:
    vit and hybrid-mnist live here; any other NAME is the module reference/zoo_NAME.py, whose build(c) returns
    the same triple."""
    family = c.get("family", "hybrid-mnist" if c["name"] == "hybrid-mnist" else "vit")
    if family == "hybrid-mnist":
        return HybridMnist(), 1, 28
    if family == "vit":
        return VisionTransformer(c), c["channels"], c["imageSize"]
    try:
        module = importlib.import_module("zoo_" + family)
    except ImportError as e:
        raise SystemExit(f"no PyTorch twin for model family '{family}' (reference/zoo_{family}.py): {e}")
    return module.build(c)


def param_groups(model):
    """timm's split: no weight decay on biases, norm weights, tokens and position embeddings."""
    decay, no_decay = [], []
    # timm's convention: a model names its extra no-decay parameters (tokens, bias tables) in no_weight_decay()
    skip = {"cls_token", "pos_embed"} | set(getattr(model, "no_weight_decay", lambda: ())())
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or name in skip else decay).append(p)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": WEIGHT_DECAY}]


class Step:
    def __init__(self, config, batch, device, seed):
        torch.manual_seed(seed)
        model, channels, size = build(config)
        self.model = model.to(device).train()
        self.optimizer = torch.optim.AdamW(param_groups(self.model), lr=LR)
        g = torch.Generator().manual_seed(seed)
        self.images = torch.randn(batch, channels, size, size, generator=g).to(device)
        self.labels = torch.randint(0, CLASSES, (batch,), generator=g).to(device)
        self.params = sum(p.numel() for p in self.model.parameters())

    def run(self):
        loss = F.cross_entropy(self.model(self.images), self.labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item()  # as jvit's trainer; on a GPU this also waits for the step


def run_steps(step, n):
    t0 = time.perf_counter()
    for _ in range(n):
        step.run()
    return time.perf_counter() - t0


def peak_rss_kb():
    """This process's peak resident set in KiB: VmHWM, which counts only this program's memory. ru_maxrss would
    be the fallback, but Linux carries it across exec: a child of a large process (the JVM that runs the
    comparison) reports its parent's size there, not its own."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_line(device):
    line = f"memory peak_rss_kb={peak_rss_kb()}"
    if device.startswith("cuda"):
        line += f" cuda_peak_bytes={torch.cuda.max_memory_allocated()}"
    return line


def serve(step, device):
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "steps" and len(words) == 2 and words[1].isdigit():
            n = int(words[1])
            print(f"done steps={n} seconds={run_steps(step, n):.6f}", flush=True)
        elif words[0] == "memory":
            print(memory_line(device), flush=True)
        elif words[0] == "quit":
            return
        else:
            print(f"error unknown command '{raw.strip()}' (expected: steps N, memory, quit)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--preset", help="mnist-tiny, mnist-small, cifar-demo, vit-ti16 or hybrid-mnist")
    src.add_argument("--config-json", help="a jvit ViTConfig as JSON (its record's fields)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--serve", action="store_true", help="answer commands on stdin (see above)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (standalone mode)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps (standalone mode)")
    a = ap.parse_args()

    config = preset(a.preset) if a.preset else json.loads(a.config_json)
    torch.set_num_threads(a.threads)
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda: this PyTorch has no usable CUDA")
    step = Step(config, a.batch, a.device, a.seed)
    rss_start = peak_rss_kb()
    print(f"ready params={step.params} torch={torch.__version__} threads={torch.get_num_threads()} "
          f"rss_after_build_kb={rss_start}", flush=True)
    if a.serve:
        serve(step, a.device)
        return
    run_steps(step, a.warmup)
    seconds = run_steps(step, a.steps)
    print(f"train {config['name']} {a.device} threads={a.threads}: torch {a.steps * a.batch / seconds:.0f} img/s "
          f"(batch {a.batch}, {a.steps} steps in {seconds:.2f} s); {memory_line(a.device)}")


if __name__ == "__main__":
    main()
