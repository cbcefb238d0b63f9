package dev.jvit.cuda.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A caching allocator for device memory, in the spirit of PyTorch's: requests are rounded up to a
 * {@link SizeClasses size class}; a released block goes onto its class's free list instead of back to the
 * device, and the next request of that class takes it from there. cuMemAlloc and cuMemFree synchronise
 * the whole device and cost tens of microseconds, so in steady state (the second training step onwards)
 * no kernel call allocates from the device at all.
 *
 * <p>Blocks come back through {@link #release}, which the storages' cleaners call from the cleaner thread:
 * every method is synchronised, and the allocator never calls the device while a caller waits on the lock
 * for a reclaim. Reuse is safe without events because all work runs on one stream: a kernel that reads a
 * block was queued before any kernel that writes its next owner.
 *
 * <p>When the device runs out, the allocator first frees its cached blocks, then runs the reclaim hook
 * (the backend's: a garbage collection, so that unreachable arrays return their blocks) and tries again.
 */
public final class CachingAllocator implements AutoCloseable {

    /** One allocation: its device address and its size class in bytes. */
    public record Block(long address, long bytes) {}

    private final DeviceMemory memory;
    private final Runnable reclaim;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final Set<Block> all = new HashSet<>();
    private long currentBytes, peakBytes, cachedBytes, deviceAllocations, reuses;
    private boolean closed;

    /**
     * @param memory  where blocks come from
     * @param reclaim run (outside the lock) when the device is out of memory, before the last attempt
     */
    public CachingAllocator(DeviceMemory memory, Runnable reclaim) {
        this.memory = memory;
        this.reclaim = reclaim;
    }

    /** A block of at least {@code bytes} bytes, from the cache when one of its class is free. */
    public Block allocate(long bytes) {
        long size = SizeClasses.roundUp(bytes);
        Block b = tryAllocate(size);
        if (b != null) return b;
        reclaim.run();
        b = tryAllocate(size);
        if (b != null) return b;
        synchronized (this) {
            throw new OutOfDeviceMemoryException("out of device memory allocating " + size + " bytes ("
                    + currentBytes + " bytes in use by arrays, peak " + peakBytes + ")");
        }
    }

    /** One attempt: the free list, else the device, else the device again after freeing the cache. */
    private synchronized Block tryAllocate(long size) {
        if (closed) throw new IllegalStateException("the allocator is closed");
        ArrayDeque<Block> list = free.get(size);
        Block b = list == null ? null : list.poll();
        if (b != null) {
            cachedBytes -= size;
            reuses++;
        } else {
            long address;
            try {
                address = memory.allocate(size);
            } catch (OutOfDeviceMemoryException e) {
                releaseCachedLocked();
                try {
                    address = memory.allocate(size);
                } catch (OutOfDeviceMemoryException again) {
                    return null;
                }
            }
            b = new Block(address, size);
            all.add(b);
            deviceAllocations++;
        }
        currentBytes += size;
        peakBytes = Math.max(peakBytes, currentBytes);
        return b;
    }

    /** Puts a block back on its free list; it must have come from {@link #allocate} and not be in use. */
    public synchronized void release(Block b) {
        if (closed) return; // the device memory went with the context
        currentBytes -= b.bytes();
        cachedBytes += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
    }

    /** Frees every cached (unused) block to the device. */
    public synchronized void releaseCached() {
        releaseCachedLocked();
    }

    private void releaseCachedLocked() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                memory.free(b.address());
                all.remove(b);
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes in blocks held by live arrays (rounded to size classes). */
    public synchronized long currentBytes() {
        return currentBytes;
    }

    /** The largest {@link #currentBytes} seen. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    /** Bytes in free blocks kept for reuse. */
    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** How many times the device was asked for memory. */
    public synchronized long deviceAllocations() {
        return deviceAllocations;
    }

    /** How many requests a cached block served. */
    public synchronized long reuses() {
        return reuses;
    }

    /** Frees every block, cached or not: arrays still holding one must not be used afterwards. */
    @Override
    public synchronized void close() {
        if (closed) return;
        for (Block b : all) memory.free(b.address());
        all.clear();
        free.clear();
        cachedBytes = 0;
        currentBytes = 0;
        closed = true;
    }
}
