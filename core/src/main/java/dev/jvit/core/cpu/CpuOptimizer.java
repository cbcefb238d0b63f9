package dev.jvit.core.cpu;

import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.util.Arrays;

/**
 * The fused optimizer updates of the CPU backend (Adam/AdamW and SGD): the scalars are computed once in
 * double, as PyTorch does, and the arrays are streamed through one {@link CpuKernels} row kernel, so a
 * parameter is read and written once per step instead of once per primitive op. Parameter, gradient and
 * state normally share one contiguous layout and form a single run, split across threads when large;
 * operands laid out differently from each other are updated through contiguous copies.
 */
final class CpuOptimizer {
    /** Elementwise work units per element for threading decisions (an Adam step is about ten flops). */
    private static final long WORK_PER_ELEMENT = 4;

    private final CpuBackend backend;
    private final CpuKernels kernels;

    CpuOptimizer(CpuBackend backend, CpuKernels kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    /** The row kernel call for one run; off[k] are the offsets of the plan's operands. */
    @FunctionalInterface
    private interface UpdateRow {
        void run(float[][] arrays, int[] off, int n);
    }

    void adamUpdate(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, double lr, double beta1,
                    double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        if (step < 1) throw new IllegalArgumentException("adamUpdate: step counts from 1, got " + step);
        checkShapes("adamUpdate", param, grad, expAvg, expAvgSq);
        // PyTorch: bias corrections and step size in double; float32 only inside the kernel
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) beta1, c1 = (float) (1.0 - beta1), b2 = (float) beta2, c2 = (float) (1.0 - beta2);
        float e = (float) eps;
        float l2 = decoupled ? 0f : (float) weightDecay;
        float decay = decoupled ? (float) (1.0 - lr * weightDecay) : 1f;
        update(new NDArray[] {param, grad, expAvg, expAvgSq}, new boolean[] {true, false, true, true},
                (a, off, n) -> kernels.adamUpdate(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], n,
                        b1, c1, b2, c2, e, l2, decay, stepSize, bc2Sqrt));
    }

    void sgdUpdate(NDArray param, NDArray grad, NDArray momentumBuffer, double lr, double momentum,
                   double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        if ((momentumBuffer == null) != (momentum == 0.0)) {
            throw new IllegalArgumentException("sgdUpdate: a momentum buffer is needed exactly when momentum != 0 "
                    + "(momentum " + momentum + ", buffer " + (momentumBuffer == null ? "null" : "given") + ")");
        }
        float lrF = (float) lr, mom = (float) momentum, damp = (float) (1.0 - dampening), wd = (float) weightDecay;
        if (momentumBuffer == null) {
            checkShapes("sgdUpdate", param, grad);
            update(new NDArray[] {param, grad}, new boolean[] {true, false},
                    (a, off, n) -> kernels.sgdUpdate(a[0], off[0], a[1], off[1], null, 0, n, lrF, mom, damp,
                            nesterov, wd, firstStep));
        } else {
            checkShapes("sgdUpdate", param, grad, momentumBuffer);
            update(new NDArray[] {param, grad, momentumBuffer}, new boolean[] {true, false, true},
                    (a, off, n) -> kernels.sgdUpdate(a[0], off[0], a[1], off[1], a[2], off[2], n, lrF, mom, damp,
                            nesterov, wd, firstStep));
        }
    }

    /**
     * Runs the row kernel over operands of one shape. When every operand's runs are contiguous in the
     * same order (the normal case), the kernel streams through them in place; otherwise each operand is
     * brought into a contiguous copy, updated there, and the written ones are copied back.
     */
    private void update(NDArray[] xs, boolean[] written, UpdateRow row) {
        if (xs[0].numel() == 0) return;
        StridedLoops.Plan plan = StridedLoops.plan(xs[0].shape(), xs);
        boolean runsContiguous = true;
        for (int k = 0; k < xs.length; k++) runsContiguous &= plan.innerStride(k) == 1;
        if (runsContiguous) {
            float[][] arrays = new float[xs.length][];
            for (int k = 0; k < xs.length; k++) arrays[k] = CpuBackend.floats(xs[k]);
            StridedLoops.forEachRun(plan, WORK_PER_ELEMENT, (off, n) -> row.run(arrays, off, n));
            return;
        }
        NDArray[] dense = new NDArray[xs.length];
        for (int k = 0; k < xs.length; k++) dense[k] = xs[k].copy();
        update(dense, written, row);
        for (int k = 0; k < xs.length; k++) if (written[k]) backend.copyInto(dense[k], xs[k]);
    }

    private static void checkShapes(String op, NDArray param, NDArray... others) {
        String[] names = {"grad", "first state", "second state"};
        for (int k = 0; k < others.length; k++) {
            if (!Arrays.equals(param.shape(), others[k].shape())) {
                throw new IllegalArgumentException(op + ": param has shape " + Shape.str(param.shape()) + " but "
                        + names[k] + " has shape " + Shape.str(others[k].shape()));
            }
        }
    }
}
