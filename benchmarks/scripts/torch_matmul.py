"""PyTorch's CPU matmul timed the way `./jvit bench gemm` times jvit's, for side-by-side GFLOP/s.

usage: python3 torch_matmul.py THREADS M N K [cpu | serve]

Warms up for a second, repeats short products so a sample lasts about 20 ms, and prints the median of 9
samples in the same one-line format. "cpu" times with this thread's CPU time instead of the wall clock (with
THREADS=1 the product runs on this thread), which is steadier on a shared machine. "serve" is how
`./jvit bench compare` drives it, in rounds alternating with jvit's: it prints "ready ...", then answers
commands on stdin, one a line: "steps S" runs S products and prints "done steps=S seconds=T"; "quit" (or the
end of stdin) exits. Run it with OPENBLAS_NUM_THREADS=THREADS and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
so OpenBLAS picks its own kernel.
"""
import sys
import time

import torch

threads, m, n, k = map(int, sys.argv[1:5])
mode = sys.argv[5] if len(sys.argv) > 5 else ""
if mode not in ("", "cpu", "serve"):
    raise SystemExit(f"unknown mode '{mode}' (expected: cpu or serve)")
clock = time.thread_time if mode == "cpu" else time.perf_counter
torch.set_num_threads(threads)
g = torch.Generator().manual_seed(0)
a = torch.rand(m, k, generator=g) * 2 - 1
b = torch.rand(k, n, generator=g) * 2 - 1
c = torch.empty(m, n)


def product():
    torch.matmul(a, b, out=c)


def serve():
    print(f"ready size={m}x{n}x{k} threads={torch.get_num_threads()} torch={torch.__version__}", flush=True)
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "steps" and len(words) == 2 and words[1].isdigit() and int(words[1]) > 0:
            steps = int(words[1])
            t0 = time.perf_counter()
            for _ in range(steps):
                product()
            print(f"done steps={steps} seconds={time.perf_counter() - t0:.6f}", flush=True)
        elif words[0] == "quit":
            return
        else:
            print(f"error unknown command '{raw.strip()}' (expected: steps N, quit)", flush=True)


if mode == "serve":
    serve()
    sys.exit(0)

start, calls, single = time.perf_counter(), 0, float("inf")
while calls < 2 or time.perf_counter() - start < 1.0:
    t0 = time.perf_counter()
    product()
    single = min(single, time.perf_counter() - t0)
    calls += 1
reps = max(1, int(0.02 / single))
samples = []
for _ in range(9):
    t0 = clock()
    for _ in range(reps):
        product()
    samples.append((clock() - t0) / reps)
samples.sort()
rate = 2.0 * m * n * k / samples[len(samples) // 2] / 1e9
print(f"torch {m}x{n}x{k} threads={threads}{' cpu-time' if mode == 'cpu' else ''}: {rate:.1f} GFLOP/s")
