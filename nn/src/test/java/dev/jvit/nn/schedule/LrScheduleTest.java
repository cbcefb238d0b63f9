package dev.jvit.nn.schedule;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.optim.ParamGroup;
import dev.jvit.nn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedules' values at chosen steps, their shape, and that they are pure functions of the step. */
class LrScheduleTest {

    @Test
    void constantIsConstant() {
        LrSchedule s = LrSchedule.constant(0.3);
        assertEquals(0.3, s.lr(0));
        assertEquals(0.3, s.lr(1_000_000));
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepSizeSteps() {
        LrSchedule s = LrSchedule.step(1.0, 10, 0.5);
        assertEquals(1.0, s.lr(0));
        assertEquals(1.0, s.lr(9));
        assertEquals(0.5, s.lr(10));
        assertEquals(0.25, s.lr(29));
        assertEquals(0.125, s.lr(30));
    }

    @Test
    void linearWarmupRisesFromNearZeroToTheBaseRate() {
        LrSchedule s = LrSchedule.linearWarmup(1.0, 4);
        assertEquals(0.2, s.lr(0), 1e-12);
        assertEquals(0.4, s.lr(1), 1e-12);
        assertEquals(0.8, s.lr(3), 1e-12);
        assertEquals(1.0, s.lr(4));
        assertEquals(1.0, s.lr(100));
        assertEquals(1.0, LrSchedule.linearWarmup(1.0, 0).lr(0), "no warmup");
    }

    @Test
    void cosineWarmsUpPeaksThenEndsAtTheMinimumOnTheLastStep() {
        double base = 1e-3, min = 1e-5;
        int warmup = 5, total = 50;
        LrSchedule s = LrSchedule.cosine(base, min, warmup, total);
        assertEquals(base / 6, s.lr(0), 1e-15);
        assertEquals(base, s.lr(warmup), 1e-15);
        assertEquals(min, s.lr(total - 1), 1e-15);
        assertEquals(min, s.lr(total + 10), 1e-15, "beyond the end it stays at the minimum");
        // halfway through the cosine phase the rate is the midpoint
        int mid = warmup + (total - 1 - warmup) / 2;
        assertEquals((base + min) / 2, s.lr(mid), 1e-12);
        for (int t = 1; t < total; t++) {
            if (t <= warmup) assertTrue(s.lr(t) > s.lr(t - 1), "rising at " + t);
            else assertTrue(s.lr(t) < s.lr(t - 1), "falling at " + t);
        }
        LrSchedule noWarmup = LrSchedule.cosine(1.0, 0.0, 0, 11);
        assertEquals(1.0, noWarmup.lr(0), 1e-15);
        assertEquals(0.5, noWarmup.lr(5), 1e-12);
        assertEquals(0.0, noWarmup.lr(10), 1e-15);
    }

    @Test
    void valuesDependOnTheStepAlone() {
        LrSchedule s = LrSchedule.cosine(0.1, 0.001, 3, 20);
        double[] forward = new double[20];
        for (int t = 0; t < 20; t++) forward[t] = s.lr(t);
        for (int t = 19; t >= 0; t--) assertEquals(forward[t], s.lr(t), "step " + t);
        assertEquals(s, LrSchedule.cosine(0.1, 0.001, 3, 20), "schedules are values");
    }

    @Test
    void applySetsTheOptimizersRate() {
        Tensor w = Tensor.param(NDArray.zeros(2));
        ParamGroup g = new ParamGroup(List.of(new Parameter("w", w, true)), 0.0, 0.5);
        SGD opt = new SGD(List.of(g), 1.0);
        LrSchedule.step(0.8, 1, 0.5).apply(opt, 2);
        assertEquals(0.1, g.lr(), 1e-15);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearWarmup(0.1, -1));
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 0.0, 10, 10));
        assertTrue(e.getMessage().contains("total steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(0.1, 0.2, 0, 10));
        assertTrue(e.getMessage().contains("min lr"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0.1).lr(-1));
        assertTrue(e.getMessage().contains("from 0"), e.getMessage());
    }
}
