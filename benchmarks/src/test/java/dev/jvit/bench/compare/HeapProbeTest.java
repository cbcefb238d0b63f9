package dev.jvit.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapProbeTest {
    private static final long MB = 1 << 20;
    private static volatile Object sink;

    /**
     * A step that holds 96 MB at once and drops it, three times: the peak sees at least the 96 MB (garbage
     * included) whichever collections ran in between; the live figure sees what the "forward" keeps, 16 MB,
     * and not the dropped steps.
     */
    @Test
    void peakCountsWhatAStepHeldAndLiveWhatTheForwardKeeps() {
        Runnable step = () -> {
            byte[][] held = new byte[3][];
            for (int i = 0; i < held.length; i++) held[i] = new byte[(int) (32 * MB)];
            sink = held;
            sink = null;
        };
        long[] figures = HeapProbe.measure(step, () -> new byte[(int) (16 * MB)], 3, 0);
        long peak = figures[0], live = figures[1];
        assertTrue(peak >= 96 * MB, "peak " + peak / MB + " MB, the step held 96 MB");
        assertTrue(live >= 16 * MB, "live " + live / MB + " MB, the forward keeps 16 MB");
        assertTrue(live < peak, "live " + live / MB + " MB should be below the peak " + peak / MB + " MB");
    }
}
