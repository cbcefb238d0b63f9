package dev.jvit.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exclusion JMH applies without a GPU (JMH matches with find()) hits the cuda methods and nothing else. */
class JmhFilterTest {
    @Test
    void matchesOnlyCudaMethods() {
        Pattern p = Pattern.compile(JmhFilter.CUDA_METHODS);
        assertTrue(p.matcher("dev.jvit.bench.SoftmaxBenchmark.cudaForward").find());
        assertTrue(p.matcher("dev.jvit.bench.TrainStepBenchmark.cudaStep").find());
        assertFalse(p.matcher("dev.jvit.bench.SoftmaxBenchmark.forward").find());
        assertFalse(p.matcher("dev.jvit.bench.TrainStepBenchmark.step").find());
        assertFalse(p.matcher("dev.jvit.bench.GemmBenchmark.packed").find());
    }
}
