package dev.jvit.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input must fail with a message that names the problem: both shapes, the index, the dtype. */
class ErrorMessageTest {
    private static Backend previous;

    @BeforeAll
    static void useScalar() {
        previous = Backends.setCpu(CpuBackend.scalar());
    }

    @AfterAll
    static void restore() {
        Backends.setCpu(previous);
    }

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... parts) {
        Throwable e = assertThrows(type, call);
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "message should mention '" + p + "': " + e.getMessage());
        }
    }

    /** Storage that claims to live on a GPU: enough to reach the device checks, which run before any kernel. */
    private record ElsewhereStorage(long length) implements Storage {
        public DType dtype() { return DType.FLOAT32; }
        public Device device() { return Device.cuda(0); }
    }

    @Test
    void deviceMismatchNamesBothDevices() {
        NDArray cpu = NDArray.zeros(2, 3);
        NDArray gpu = NDArray.wrap(new ElsewhereStorage(6), 2, 3);
        assertMessage(IllegalArgumentException.class, () -> cpu.add(gpu), "different devices", "cpu", "cuda:0");
        assertMessage(IllegalArgumentException.class, () -> cpu.matmul(gpu.mT()), "different devices", "to(Device)");
        assertMessage(IllegalArgumentException.class, () -> NDArray.concat(0, cpu, gpu), "different devices");
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        NDArray a = NDArray.zeros(2, 3), b = NDArray.zeros(4);
        assertMessage(IllegalArgumentException.class, () -> a.add(b), "[2,3]", "[4]");
        assertMessage(IllegalArgumentException.class, () -> a.matmul(NDArray.zeros(4, 5)), "[2,3]", "[4,5]");
        assertMessage(IllegalArgumentException.class, () -> NDArray.zeros(7, 5, 3, 2).matmul(NDArray.zeros(6, 2, 2)),
                "[7,5]", "[6]");
        assertMessage(IllegalArgumentException.class, () -> a.addInPlace(NDArray.zeros(3, 3)), "[3,3]", "[2,3]");
        assertMessage(IllegalArgumentException.class, () -> a.copyFrom(NDArray.zeros(2, 4)), "[2,4]", "[2,3]");
        assertMessage(IllegalArgumentException.class, () -> NDArray.concat(0, a, NDArray.zeros(2, 4)), "[2,3]", "[2,4]");
    }

    @Test
    void nonViewableReshapeExplainsTheFix() {
        NDArray t = NDArray.zeros(2, 3).transpose(0, 1);
        assertMessage(IllegalStateException.class, () -> t.view(6), "[3,2]", "[6]", "contiguous()");
        assertMessage(IllegalArgumentException.class, () -> NDArray.zeros(2, 3).reshape(4, 2), "[2,3]", "[4,2]");
    }

    @Test
    void indexOutOfRangeNamesTheIndexAndSize() {
        NDArray x = NDArray.zeros(3, 4);
        assertMessage(IndexOutOfBoundsException.class, () -> x.indexSelect(0, NDArray.ofInts(new int[] {1, 5}, 2)),
                "index 5", "size 3");
        assertMessage(IndexOutOfBoundsException.class, () -> x.gather(1, NDArray.ofInts(new int[] {0, 1, 2, -1}, 1, 4).expand(3, 4)),
                "index -1", "size 4");
        assertMessage(IndexOutOfBoundsException.class, () -> x.sum(2), "dimension 2", "2-dimensional");
        assertMessage(IndexOutOfBoundsException.class, () -> x.get(3, 0), "index 3", "size 3");
    }

    @Test
    void wrongDtypeSaysWhichIsExpected() {
        NDArray ints = NDArray.ofInts(new int[] {1, 2}, 2);
        assertMessage(IllegalArgumentException.class, ints::exp, "FLOAT32", "INT32");
        assertMessage(IllegalArgumentException.class, () -> NDArray.zeros(2).add(ints), "FLOAT32", "INT32");
        assertMessage(IllegalArgumentException.class, () -> NDArray.zeros(3).indexSelect(0, NDArray.zeros(2)), "INT32");
        assertMessage(IllegalStateException.class, ints::toFloatArray, "FLOAT32");
    }

    @Test
    void unknownKernelChoiceIsRejected() {
        String old = System.getProperty("jvit.cpu.kernels");
        try {
            System.setProperty("jvit.cpu.kernels", "avx");
            assertMessage(IllegalArgumentException.class, CpuBackend::fromSystemProperties, "avx", "scalar", "simd");
        } finally {
            if (old == null) System.clearProperty("jvit.cpu.kernels");
            else System.setProperty("jvit.cpu.kernels", old);
        }
    }
}
