package dev.jvit.autograd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpProfilerTest {

    @Test
    void recordsForwardAndBackwardPerOpOnlyWhileEnabled() {
        OpProfiler.reset();
        Tensor a = Data.param(1, 4, 5), b = Data.param(2, 4, 5);
        a.mul(b).sum().backward();
        assertFalse(OpProfiler.report().contains("Mul"), "nothing is recorded while off");
        OpProfiler.enable(true);
        try {
            a.mul(b).sum().backward();
        } finally {
            OpProfiler.enable(false);
        }
        String report = OpProfiler.report();
        assertTrue(report.contains("Mul forward") && report.contains("Mul backward"), report);
        assertTrue(report.contains("Sum forward") && report.contains("(engine) accumulate"), report);
        OpProfiler.reset();
        assertFalse(OpProfiler.report().contains("Mul"));
    }
}
