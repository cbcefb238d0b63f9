"""PyTorch's CPU matmul timed the way `./jvit bench gemm` times jvit's, for side-by-side GFLOP/s.

usage: python3 torch_matmul.py THREADS M N K [cpu]

Warms up for a second, repeats short products so a sample lasts about 20 ms, and prints the median of 9
samples in the same one-line format. "cpu" times with this thread's CPU time instead of the wall clock (with
THREADS=1 the product runs on this thread), which is steadier on a shared machine. Run it with
OPENBLAS_NUM_THREADS=THREADS and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE so OpenBLAS picks its own kernel.
"""
import sys
import time

import torch

threads, m, n, k = map(int, sys.argv[1:5])
cpu = len(sys.argv) > 5 and sys.argv[5] == "cpu"
clock = time.thread_time if cpu else time.perf_counter
torch.set_num_threads(threads)
g = torch.Generator().manual_seed(0)
a = torch.rand(m, k, generator=g) * 2 - 1
b = torch.rand(k, n, generator=g) * 2 - 1
c = torch.empty(m, n)


def product():
    torch.matmul(a, b, out=c)


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
print(f"torch {m}x{n}x{k} threads={threads}{' cpu-time' if cpu else ''}: {rate:.1f} GFLOP/s")
