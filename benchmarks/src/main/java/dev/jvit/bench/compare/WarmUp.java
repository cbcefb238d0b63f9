package dev.jvit.bench.compare;

import java.io.IOException;

/**
 * How long {@code bench compare} warms a side up before timing it: at least a number of steps and of seconds,
 * then on, a window at a time, for as long as the side keeps getting faster. The same rule for jvit and
 * PyTorch. Why more than a fixed time: on 2 vCPUs C2 compiles jvit's kernels on the two cores the step runs
 * on, and mnist-tiny, timed in 5 s windows from a fresh JVM, went 2015, 12097, 14564, 16370, 16518, 18599
 * img/s before it held 17-19.5K; after a fixed 15 s its timed rounds still rose (12443, 13332, 15436, 16736,
 * 18046 in a report run) and the median understated it by a seventh. PyTorch stops improving within a step or
 * two, so for it the rule costs two windows.
 */
public final class WarmUp {
    /** A window has to beat the best one before it by this fraction to count as still warming up. */
    static final double GAIN = 0.03;
    /**
     * Windows in a row that must fail to do so before the side counts as warm: one alone is too easily a noisy
     * window on a shared machine (the figures of one JVM move 10-15% from window to window).
     */
    static final int PATIENCE = 2;

    /** Seconds that n steps took on one side. */
    @FunctionalInterface
    public interface Stepper {
        double run(int n) throws IOException;
    }

    private WarmUp() {}

    /**
     * Runs at least minSteps steps and minSeconds; then windows of about windowSeconds until {@link #PATIENCE}
     * in a row are not {@link #GAIN} faster than the best before them, or maxSeconds have passed in all.
     * Returns the seconds per step of the last window.
     */
    public static double run(Stepper side, int minSteps, double minSeconds, double windowSeconds, double maxSeconds)
            throws IOException {
        double total = side.run(minSteps), perStep = total / minSteps;
        while (total < minSeconds) {
            int n = steps(windowSeconds, perStep); // whole windows, so the last one compares like with like
            double s = side.run(n);
            total += s;
            perStep = s / n;
        }
        double best = perStep;
        for (int flat = 0; flat < PATIENCE && total < maxSeconds; ) {
            int n = steps(windowSeconds, perStep);
            double s = side.run(n);
            total += s;
            perStep = s / n;
            if (perStep > best * (1 - GAIN)) {
                flat++; // no faster than the best before it
            } else {
                flat = 0;
                best = perStep;
            }
        }
        return perStep;
    }

    private static int steps(double seconds, double perStep) {
        return (int) Math.max(1, Math.min(1_000_000, seconds / Math.max(perStep, 1e-9)));
    }
}
