package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Storage;
import dev.jvit.cuda.memory.CachingAllocator;

import java.lang.ref.Cleaner;

/**
 * Device memory holding the elements of one or more {@link dev.jvit.core.NDArray} views: a block of the
 * {@link CachingAllocator}. Arrays have no close method, so the block goes back to the allocator's cache
 * when the storage becomes unreachable, through a {@link Cleaner}; the GPU memory an array used is
 * reused by the next array of the same size class.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CachingAllocator.Block block;
    private final DType dtype;
    private final Device device;
    private final long length;

    CudaStorage(CachingAllocator allocator, CachingAllocator.Block block, DType dtype, Device device, long length) {
        this.block = block;
        this.dtype = dtype;
        this.device = device;
        this.length = length;
        CLEANER.register(this, new Release(allocator, block));
    }

    /** Must not capture the storage, or it would never become unreachable. */
    private record Release(CachingAllocator allocator, CachingAllocator.Block block) implements Runnable {
        @Override
        public void run() {
            allocator.release(block);
        }
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public long length() {
        return length;
    }

    /** The device address of element 0. */
    public long address() {
        return block.address();
    }

    /** Bytes reserved for this storage (its size class). */
    public long capacityBytes() {
        return block.bytes();
    }
}
