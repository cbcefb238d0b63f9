#!/usr/bin/env python3
"""Writes the golden file of a small Swin Transformer (vit/src/test/resources/golden/swin_golden.safetensors).

The model is reference/zoo_swin.py's (timm's layout and names) at a size that exercises every part: 14x14 images
of 2 channels zero-padded to 16, patch 2 (an 8x8 grid of width 8), window 4 with a shifted second block (the
mask), a patch merging to 4x4 of width 16 whose window is the whole map (no shift), 5 classes. All parameters
are random float32 values from a fixed seed (the bias tables and norms too, so none of them is a no-op), the
model runs in float64 from exactly those values, outputs rounded to float32 once. The file holds:

  the state dict under timm's names (patch_embed.proj.weight, layers.0.blocks.1.attn.relative_position_bias_table, ...)
  input.images     float32 (3, 2, 14, 14)
  output.logits    float32 (3, 5)
  input.upstream   float32 (3, 5), the weights W of L = sum(logits * W)
  grad.NAME        float32, dL/dNAME for every parameter
  grad.images      float32, dL/dimages

SwinGoldenTest loads the state dict into jvit's SwinTransformer by name and compares.
Run from the repository root:  python3 reference/golden_swin.py
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Case, write_safetensors  # noqa: E402
import zoo_swin  # noqa: E402

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vit", "src", "test",
                                    "resources", "golden", "swin_golden.safetensors"))

# the same model as SwinGoldenTest.CONFIG
CONFIG = dict(name="golden-swin", family="swin", imageSize=14, paddedSize=16, channels=2, patchSize=2, embedDim=8,
              depths=[2, 2], heads=[2, 4], windowSize=4, mlpRatio=2.0, numClasses=5, dropPath=0.0,
              layerNormEps=1e-5)


def main():
    case = Case(7)
    model, _, _ = zoo_swin.build(CONFIG)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or name.endswith("norm1.weight") or name.endswith("norm2.weight"):
                p.copy_(case.uniform(0.5, 1.5, *p.shape))
            else:
                p.copy_(case.randn(*p.shape, scale=0.3))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    images = case.randn(3, 2, 14, 14)
    upstream = case.randn(3, 5)

    model = model.double().eval()
    x = images.double().requires_grad_(True)
    logits = model(x)
    params = [p for _, p in model.named_parameters()]
    grads = torch.autograd.grad(logits, [x] + params, grad_outputs=upstream.double())

    out = dict(state)
    out["input.images"] = images
    out["input.upstream"] = upstream
    out["output.logits"] = logits.detach().float()
    out["grad.images"] = grads[0].float()
    for (name, _), g in zip(model.named_parameters(), grads[1:]):
        out["grad." + name] = g.float()
    out = {k: v.contiguous() for k, v in out.items()}
    write_safetensors(OUT, out, {"generated_by": "reference/golden_swin.py", "torch_version": torch.__version__})
    print(f"{os.path.relpath(OUT)}: {os.path.getsize(OUT)} bytes, {len(out)} tensors")


if __name__ == "__main__":
    main()
