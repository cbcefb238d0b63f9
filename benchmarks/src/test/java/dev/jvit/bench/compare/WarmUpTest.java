package dev.jvit.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up rule on simulated sides whose steps speed up as a JIT would, then hold. */
class WarmUpTest {

    /** A side whose step takes perStep(seconds run so far); records every request. */
    private static final class Side implements WarmUp.Stepper {
        final java.util.function.DoubleUnaryOperator perStep;
        final List<Integer> calls = new ArrayList<>();
        double clock;

        Side(java.util.function.DoubleUnaryOperator perStep) {
            this.perStep = perStep;
        }

        @Override
        public double run(int n) {
            calls.add(n);
            double s = n * perStep.applyAsDouble(clock);
            clock += s;
            return s;
        }
    }

    @Test
    void aSideThatIsWarmAtOnceGetsTheMinimumAndTwoWindows() throws Exception {
        Side flat = new Side(t -> 0.01);
        double perStep = WarmUp.run(flat, 3, 15, 3, 45);
        assertEquals(3, flat.calls.get(0));
        assertTrue(flat.clock >= 21 && flat.clock < 24.5, "the minimum and two windows, got " + flat.clock);
        assertEquals(0.01, perStep, 1e-12);
    }

    @Test
    void aSideStillSpeedingUpIsWarmedUntilItHolds() throws Exception {
        // 20 ms a step at first, 10 ms from 30 s on: like a JIT that keeps compiling past the minimum
        Side jit = new Side(t -> t < 30 ? 0.02 - t / 3000 : 0.01);
        double perStep = WarmUp.run(jit, 3, 15, 3, 60);
        assertTrue(jit.clock >= 33 && jit.clock < 43, "warmed past 30 s, then two windows more: " + jit.clock);
        assertEquals(0.01, perStep, 1e-9);
    }

    /** One slow window (a neighbour's burst on a shared machine) does not end a warm-up that is still paying. */
    @Test
    void oneNoisyWindowDoesNotEndTheWarmUp() throws Exception {
        // steadily faster until 40 s, except a window around 20 s that runs 20% slow
        Side noisy = new Side(t -> (t >= 19 && t < 22 ? 1.2 : 1.0) * (t < 40 ? 0.02 - t / 4000 : 0.01));
        WarmUp.run(noisy, 3, 15, 3, 90);
        assertTrue(noisy.clock >= 40, "stopped by one slow window at " + noisy.clock);
    }

    @Test
    void theWarmUpStopsAtItsLimitAndNeverBelowItsMinimums() throws Exception {
        Side forever = new Side(t -> 1 / (100 + t * t)); // always getting faster
        WarmUp.run(forever, 3, 10, 2, 20);
        assertTrue(forever.clock >= 20 && forever.clock < 22.5, "stopped at the limit, got " + forever.clock);
        Side slow = new Side(t -> 5.0); // one step longer than every minimum
        double perStep = WarmUp.run(slow, 3, 0, 3, 0);
        assertEquals(List.of(3), slow.calls, "with no seconds asked for, just the minimum steps");
        assertEquals(5.0, perStep, 1e-12);
    }
}
