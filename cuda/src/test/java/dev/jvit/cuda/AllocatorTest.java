package dev.jvit.cuda;

import dev.jvit.cuda.memory.CachingAllocator;
import dev.jvit.cuda.memory.DeviceMemory;
import dev.jvit.cuda.memory.OutOfDeviceMemoryException;
import dev.jvit.cuda.memory.SizeClasses;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching allocator's arithmetic and reuse rules, against a fake device with a capacity. */
class AllocatorTest {

    /** Device memory with a byte budget; addresses are 512-aligned and never reused. */
    static final class FakeMemory implements DeviceMemory {
        final Map<Long, Long> live = new HashMap<>();
        long capacity, used, next = 1 << 20;
        int allocations, frees;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) throw new OutOfDeviceMemoryException("fake device full");
            long a = next;
            next += (bytes + 511) / 512 * 512;
            live.put(a, bytes);
            used += bytes;
            allocations++;
            return a;
        }

        @Override
        public void free(long address) {
            Long b = live.remove(address);
            if (b == null) throw new IllegalStateException("double free of " + address);
            used -= b;
            frees++;
        }
    }

    @Test
    void sizeClasses() {
        assertEquals(512, SizeClasses.roundUp(0));
        assertEquals(512, SizeClasses.roundUp(1));
        assertEquals(512, SizeClasses.roundUp(512));
        assertEquals(1024, SizeClasses.roundUp(513));
        assertEquals(1 << 20, SizeClasses.roundUp(1 << 20));
        assertEquals((1 << 20) + (1 << 18), SizeClasses.roundUp((1 << 20) + 1));
        assertEquals(3L << 19, SizeClasses.roundUp((1 << 20) + (1 << 18) + 1)); // 1.5 MiB
        assertEquals(2L << 20, SizeClasses.roundUp((7L << 18) + 1));           // above 1.75 MiB: 2 MiB
        assertEquals(5L << 28, SizeClasses.roundUp((1L << 30) + 1));            // 1.25 GiB
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.roundUp(-1));
        // every class holds its request, wastes at most a quarter above 1 MiB, and is a fixed point
        for (long b = 1; b < (1L << 34); b = b * 3 / 2 + 7) {
            long c = SizeClasses.roundUp(b);
            assertTrue(c >= b && c % 512 == 0, b + " -> " + c);
            if (b > SizeClasses.SMALL_LIMIT) assertTrue(c - b <= c / 4, b + " -> " + c);
            assertEquals(c, SizeClasses.roundUp(c));
        }
    }

    @Test
    void releasedBlocksAreReusedWithoutTouchingTheDevice() {
        FakeMemory mem = new FakeMemory(1L << 30);
        CachingAllocator a = new CachingAllocator(mem, () -> {});
        // one "training step": a few arrays of a few sizes, all released at the end
        for (int step = 0; step < 5; step++) {
            CachingAllocator.Block[] blocks = {a.allocate(4000), a.allocate(4000), a.allocate(3 << 20), a.allocate(10)};
            assertEquals(4096 + 4096 + (3L << 20) + 512, a.currentBytes());
            for (CachingAllocator.Block b : blocks) a.release(b);
            assertEquals(0, a.currentBytes());
        }
        assertEquals(4, mem.allocations, "only the first step allocates from the device");
        assertEquals(16, a.reuses());
        assertEquals(4096 + 4096 + (3L << 20) + 512, a.peakBytes());
        assertEquals(a.peakBytes(), a.cachedBytes());
        // a request of another size in the same class takes the cached block
        CachingAllocator.Block x = a.allocate(3900);
        assertEquals(4096, x.bytes());
        assertEquals(4, mem.allocations);
        a.close();
        assertEquals(0, mem.used, "close frees everything");
    }

    @Test
    void blocksInUseAreNeverHandedOutTwice() {
        CachingAllocator a = new CachingAllocator(new FakeMemory(1L << 30), () -> {});
        CachingAllocator.Block x = a.allocate(100), y = a.allocate(100);
        assertNotEquals(x.address(), y.address());
        a.release(x);
        CachingAllocator.Block z = a.allocate(100);
        assertEquals(x.address(), z.address());
        assertNotEquals(y.address(), a.allocate(100).address());
    }

    @Test
    void outOfMemoryFreesTheCacheThenReclaimsThenFails() {
        FakeMemory mem = new FakeMemory(8192);
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator[] holder = new CachingAllocator[1];
        CachingAllocator.Block[] dropped = new CachingAllocator.Block[1];
        // the reclaim hook plays the garbage collector: it releases a block nobody references any more
        CachingAllocator a = new CachingAllocator(mem, () -> {
            reclaims.incrementAndGet();
            if (dropped[0] != null) {
                holder[0].release(dropped[0]);
                dropped[0] = null;
            }
        });
        holder[0] = a;
        CachingAllocator.Block first = a.allocate(4096);
        a.release(first);                              // cached: 4096 bytes
        CachingAllocator.Block big = a.allocate(6000); // 6144 fits only after the cache is freed
        assertEquals(6144, big.bytes());
        assertEquals(0, reclaims.get());
        assertEquals(1, mem.frees);

        dropped[0] = big;                              // "unreachable", not yet released
        CachingAllocator.Block again = a.allocate(4000);
        assertEquals(1, reclaims.get(), "the reclaim hook ran once");
        assertEquals(4096, again.bytes());
        assertEquals(4096, mem.used, "the reclaimed block went back to the device");

        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class, () -> a.allocate(5000));
        assertTrue(e.getMessage().contains("5120 bytes"), e.getMessage());
        assertEquals(2, reclaims.get());
    }
}
