#!/usr/bin/env python3
"""Writes the PyTorch golden files for jvit's optimizers (nn/src/test/resources/golden/optim/).

Each file holds two parameters, w (4, 5) and b (5), their starting values and the gradients of each step
(fresh random float32 values from a fixed seed, never zeros), and what torch.optim computed: the parameters
and the optimizer's buffers after some steps. w and b sit in two parameter groups, w with weight decay and
b without (timm's split), so the files also check per-group hyper-parameters. The JUnit test
nn/src/test/java/dev/jvit/nn/optim/OptimGoldenTest.java replays the steps with jvit and compares with the
relative error ||out - ref|| / ||ref|| < 1e-6.

The reference runs torch.optim itself (foreach=False, the single-tensor code path) on float64 copies of the
float32 inputs and is rounded to float32 once, so it is the exact answer of PyTorch's formulas.

Names: w, b: starting values; grad_w_<k>, grad_b_<k>: gradients of step k (from 1); w_<k>, b_<k>: values after
step k; <buffer>_<param>_<k>: optimizer buffers after step k (exp_avg_w_3, momentum_buffer_b_2).

  adamw          AdamW, lr 1e-2, betas (0.9, 0.999), eps 1e-8, weight decay 0.1 on w; after steps 1 and 3
  adam           Adam (L2 weight decay 0.1 on w), betas (0.8, 0.95); after steps 1 and 3
  sgd_momentum   SGD, lr 0.1, momentum 0.9, dampening 0.1, weight decay 0.01 on w; after steps 1 and 2
  sgd_nesterov   SGD, lr 0.1, momentum 0.9, Nesterov, weight decay 0.01 on w; after steps 1 and 2

Run from the repository root:  python3 reference/golden_optim.py   (needs python3-torch)
"""

import json
import os
import struct

import torch

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "nn", "src", "test", "resources", "golden", "optim"))


def write_safetensors(path, tensors, metadata):
    """The format by hand: u64 little-endian header length, JSON header padded with spaces to a multiple of 8,
    then little-endian float32 data in name order."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes, {len(tensors)} tensors")


def case(name, seed, make_optimizer, steps, keep, buffers, meta):
    gen = torch.Generator().manual_seed(seed)
    w0 = torch.randn(4, 5, generator=gen, dtype=torch.float32)
    b0 = torch.randn(5, generator=gen, dtype=torch.float32) * 0.5
    grads = [(torch.randn(4, 5, generator=gen) * 0.3, torch.randn(5, generator=gen) * 0.3) for _ in range(steps)]

    w = w0.double().clone().requires_grad_(True)
    b = b0.double().clone().requires_grad_(True)
    opt = make_optimizer(w, b)
    out = {"w": w0, "b": b0}
    for k, (gw, gb) in enumerate(grads, start=1):
        out[f"grad_w_{k}"], out[f"grad_b_{k}"] = gw, gb
        w.grad, b.grad = gw.double(), gb.double()
        opt.step()
        if k in keep:
            out[f"w_{k}"], out[f"b_{k}"] = w.detach().float(), b.detach().float()
            for buf in buffers:
                out[f"{buf}_w_{k}"] = opt.state[w][buf].float()
                out[f"{buf}_b_{k}"] = opt.state[b][buf].float()
    meta = dict(meta, steps=steps, kept=",".join(map(str, keep)), generated_by="reference/golden_optim.py",
                torch_version=torch.__version__)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), out, meta)


def groups(w, b, weight_decay):
    # b first, without decay: the order ParamGroup.splitByDecay produces (timm's)
    return [{"params": [b], "weight_decay": 0.0}, {"params": [w], "weight_decay": weight_decay}]


def main():
    case("adamw", 901,
         lambda w, b: torch.optim.AdamW(groups(w, b, 0.1), lr=1e-2, betas=(0.9, 0.999), eps=1e-8, foreach=False),
         3, (1, 3), ("exp_avg", "exp_avg_sq"),
         {"optimizer": "AdamW", "lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay_w": 0.1})
    case("adam", 902,
         lambda w, b: torch.optim.Adam(groups(w, b, 0.1), lr=1e-2, betas=(0.8, 0.95), eps=1e-8, foreach=False),
         3, (1, 3), ("exp_avg", "exp_avg_sq"),
         {"optimizer": "Adam", "lr": 1e-2, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8, "weight_decay_w": 0.1})
    case("sgd_momentum", 903,
         lambda w, b: torch.optim.SGD(groups(w, b, 0.01), lr=0.1, momentum=0.9, dampening=0.1, nesterov=False,
                                      foreach=False),
         2, (1, 2), ("momentum_buffer",),
         {"optimizer": "SGD", "lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": False, "weight_decay_w": 0.01})
    case("sgd_nesterov", 904,
         lambda w, b: torch.optim.SGD(groups(w, b, 0.01), lr=0.1, momentum=0.9, dampening=0.0, nesterov=True,
                                      foreach=False),
         2, (1, 2), ("momentum_buffer",),
         {"optimizer": "SGD", "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay_w": 0.01})


if __name__ == "__main__":
    main()
