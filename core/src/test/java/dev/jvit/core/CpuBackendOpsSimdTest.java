package dev.jvit.core;

import dev.jvit.core.backend.Backends;
import dev.jvit.core.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same layout tests on the shipped kernels ({@link CpuBackend#simd()}): the walk, broadcasting and
 * threading are shared, but the SIMD kernels take other paths for strided and aliased runs.
 */
class CpuBackendOpsSimdTest extends CpuBackendOpsTest {
    @BeforeAll
    static void useSimd() {
        Backends.setCpu(CpuBackend.simd()); // runs after the superclass's setup; its @AfterAll restores
    }
}
