package dev.jvit.bench.compare;

/**
 * Peak memory of one model's training step on both sides, in bytes; -1 where a figure does not apply or
 * could not be had (no PyTorch, no GPU).
 *
 * @param jvitHeapPeakBytes       the most heap in use at one moment over a few steps after a System.gc()
 *                                (garbage not yet collected included: what the heap had to hold; see HeapProbe)
 * @param jvitLiveBytes           heap in use after a System.gc() with a step's forward graph alive (model,
 *                                optimizer state, batch and every activation the backward needs)
 * @param jvitDevicePeakBytes     the CUDA caching allocator's peak, on a GPU
 * @param torchPeakRssBytes       PyTorch's peak resident set (ru_maxrss): interpreter and libraries included
 * @param torchRssAfterBuildBytes PyTorch's resident set once the model and batch were built, before any step
 * @param torchDevicePeakBytes    torch.cuda.max_memory_allocated(), on a GPU
 */
public record MemoryFigures(long jvitHeapPeakBytes, long jvitLiveBytes, long jvitDevicePeakBytes,
                            long torchPeakRssBytes, long torchRssAfterBuildBytes, long torchDevicePeakBytes) {}
