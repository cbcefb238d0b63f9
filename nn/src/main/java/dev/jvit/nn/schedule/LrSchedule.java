package dev.jvit.nn.schedule;

import dev.jvit.nn.optim.Optimizer;

/**
 * Learning-rate schedules as pure functions of the step: {@code lr(step)} depends on nothing else, so a
 * resumed run gets exactly the rates it would have had, and a schedule can be plotted without training.
 * Steps count optimizer updates from 0 (the first update is step 0). Call {@link #apply} before each
 * {@link Optimizer#step()}.
 *
 * <p>Warmups are linear from about 0: step s &lt; W uses {@code base * (s + 1) / (W + 1)}, so no step is
 * wasted at exactly 0 and the rate reaches the base rate at step W, where the next phase starts.
 */
public sealed interface LrSchedule {

    /** The learning rate for the given step (>= 0). */
    double lr(long step);

    /** Sets the optimizer's learning rate for this step (each group gets it times its lr scale). */
    default void apply(Optimizer optimizer, long step) {
        optimizer.setLr(lr(step));
    }

    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** torch's StepLR: the rate is multiplied by gamma every stepSize steps. */
    static LrSchedule step(double baseLr, long stepSize, double gamma) {
        return new StepDecay(baseLr, stepSize, gamma);
    }

    /** Linear warmup over warmupSteps, then constant at baseLr. */
    static LrSchedule linearWarmup(double baseLr, long warmupSteps) {
        return new LinearWarmup(baseLr, warmupSteps);
    }

    /**
     * Linear warmup over warmupSteps, then half a cosine from baseLr (at step warmupSteps) down to minLr at
     * the last step, totalSteps - 1; later steps stay at minLr. The ViT recipe (timm, HF).
     */
    static LrSchedule cosine(double baseLr, double minLr, long warmupSteps, long totalSteps) {
        return new WarmupCosine(baseLr, minLr, warmupSteps, totalSteps);
    }

    // ---- the schedules ------------------------------------------------------------------------------

    record Constant(double lr) implements LrSchedule {
        public Constant {
            checkRate("lr", lr);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            return lr;
        }
    }

    record StepDecay(double baseLr, long stepSize, double gamma) implements LrSchedule {
        public StepDecay {
            checkRate("base lr", baseLr);
            if (stepSize < 1) throw new IllegalArgumentException("step size must be >= 1, got " + stepSize);
            if (!(gamma > 0 && Double.isFinite(gamma))) throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            return baseLr * Math.pow(gamma, step / stepSize);
        }
    }

    record LinearWarmup(double baseLr, long warmupSteps) implements LrSchedule {
        public LinearWarmup {
            checkRate("base lr", baseLr);
            if (warmupSteps < 0) throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            return step < warmupSteps ? warmup(baseLr, step, warmupSteps) : baseLr;
        }
    }

    record WarmupCosine(double baseLr, double minLr, long warmupSteps, long totalSteps) implements LrSchedule {
        public WarmupCosine {
            checkRate("base lr", baseLr);
            checkRate("min lr", minLr);
            if (minLr > baseLr) throw new IllegalArgumentException("min lr " + minLr + " is above the base lr " + baseLr);
            if (warmupSteps < 0) throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
            if (totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("total steps (" + totalSteps + ") must exceed the warmup steps ("
                        + warmupSteps + ")");
            }
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            if (step < warmupSteps) return warmup(baseLr, step, warmupSteps);
            long span = totalSteps - 1 - warmupSteps;
            // a cosine phase of one step is the last step, which ends at minLr
            double progress = span == 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / span);
            return minLr + (baseLr - minLr) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
        }
    }

    private static double warmup(double baseLr, long step, long warmupSteps) {
        return baseLr * (step + 1) / (warmupSteps + 1);
    }

    private static void checkRate(String what, double lr) {
        if (!(lr >= 0 && Double.isFinite(lr))) throw new IllegalArgumentException(what + " must be finite and >= 0, got " + lr);
    }

    private static void checkStep(long step) {
        if (step < 0) throw new IllegalArgumentException("steps count from 0, got " + step);
    }
}
