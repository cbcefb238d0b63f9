package dev.jvit.nn.functional;

import dev.jvit.autograd.Function;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.BinaryOp;

/**
 * Cross-entropy of logits (B, C) against a target distribution, fused: one log-softmax, one weighted sum,
 * and a hand-written backward instead of a chain of recorded ops. Both kinds of target become a distribution
 * t (B, C) on the logits' device before the loss is computed:
 * <ul>
 *   <li>class indices (INT32 (B)): t = (1 - eps) * onehot + eps / C on rows whose target is not
 *       ignoreIndex, and all zero on ignored rows (PyTorch's label smoothing);</li>
 *   <li>a distribution (FLOAT32 (B, C), e.g. mixup): t = (1 - eps) * target + eps / C.</li>
 * </ul>
 * Then loss_b = -sum_c t_bc log p_bc, and dlogits_b = (p_b * sum_c t_bc - t_b) * upstream_b, divided by the
 * count for MEAN: the rows not ignored for indices, B for distributions. Since sum_c t_bc is 1 on counted rows
 * and 0 on ignored ones, the gradient is softmax minus target where it counts and exactly zero elsewhere.
 * A MEAN over zero counted rows is 0/0 = NaN, as in PyTorch, but its gradient is zero, so one batch of
 * padding cannot poison the weights.
 */
public final class CrossEntropy extends Function {
    private final NDArray target;
    private final float labelSmoothing;
    private final int ignoreIndex;
    private final Reduction reduction;

    /**
     * @param target         INT32 (B) class indices, or FLOAT32 (B, C) probabilities
     * @param labelSmoothing eps in [0, 1]
     * @param ignoreIndex    an index target value whose rows are skipped (PyTorch's default is -100)
     */
    public CrossEntropy(NDArray target, float labelSmoothing, int ignoreIndex, Reduction reduction) {
        if (target == null) throw new NullPointerException("crossEntropy target is null");
        if (reduction == null) throw new NullPointerException("crossEntropy reduction is null");
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.target = target;
        this.labelSmoothing = labelSmoothing;
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        NDArray logits = x[0];
        if (logits.dtype() != DType.FLOAT32 || logits.rank() != 2) {
            throw new IllegalArgumentException("crossEntropy needs FLOAT32 logits of shape (B, C), got " + logits.dtype()
                    + " " + Shape.str(logits.shape()));
        }
        logits.sameDevice(target, "crossEntropy");
        int b = logits.size(0), c = logits.size(1);
        NDArray t, count;
        if (target.dtype() == DType.INT32) {
            NDArray counted = checkIndices(b, c);
            t = indexDistribution(counted, b, c);
            count = counted.sum();
        } else {
            if (!java.util.Arrays.equals(target.shape(), logits.shape())) {
                throw new IllegalArgumentException("crossEntropy with probability targets needs them shaped like the logits "
                        + Shape.str(logits.shape()) + ", got " + Shape.str(target.shape()));
            }
            t = labelSmoothing == 0f ? target : target.mul(1f - labelSmoothing).add(labelSmoothing / c);
            count = NDArray.full(b, logits.device());
        }
        NDArray logp = logits.logSoftmax();
        NDArray rows = t.mul(logp.neg()).sum(1); // (B); not -(t·logp), which gives -0 on ignored rows
        save(logp, t, count);
        return switch (reduction) {
            case NONE -> rows;
            case SUM -> rows.sum();
            case MEAN -> rows.sum().div(count);
        };
    }

    /** Checks that index targets are (B) and in [0, C) or ignoreIndex; returns the FLOAT32 counted-row mask. */
    private NDArray checkIndices(int b, int c) {
        if (target.rank() != 1 || target.size(0) != b) {
            throw new IllegalArgumentException("crossEntropy with class-index targets needs an INT32 (" + b
                    + ") target for logits (" + b + ", " + c + "), got " + Shape.str(target.shape()));
        }
        // a host check (targets are B ints): a wrong label must fail here, not as a scatter index error
        int[] v = target.toIntArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != ignoreIndex && (v[i] < 0 || v[i] >= c)) {
                throw new IndexOutOfBoundsException("crossEntropy target " + v[i] + " at row " + i
                        + " is not a class index in [0, " + c + ") nor the ignore index " + ignoreIndex);
            }
        }
        return target.toType(DType.FLOAT32).binary(BinaryOp.NE, (float) ignoreIndex);
    }

    /** (1 - eps) * onehot + eps / C on counted rows, zero rows elsewhere, built on the target's device. */
    private NDArray indexDistribution(NDArray counted, int b, int c) {
        NDArray column = counted.unsqueeze(1); // (B, 1)
        // ignored rows scatter their zero weight to class 0, which keeps the index in range
        NDArray safe = NDArray.where(counted, target.toType(DType.FLOAT32), NDArray.full(0f, target.device()))
                .toType(DType.INT32).unsqueeze(1);
        NDArray onehot = NDArray.full(0f, target.device(), b, c).scatterAddInPlace(1, safe, column);
        if (labelSmoothing == 0f) return onehot;
        return onehot.mul(1f - labelSmoothing).add(column.mul(labelSmoothing / c));
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray logp = saved(0), t = saved(1), count = saved(2);
        NDArray scale = switch (reduction) {
            case NONE -> g.unsqueeze(1); // (B, 1)
            case SUM -> g;
            // a batch with no counted rows has d = 0 everywhere: keep it 0 rather than 0 * inf = NaN
            case MEAN -> g.div(count.maximum(NDArray.full(1f, count.device())));
        };
        NDArray d = logp.exp().mul(t.sum(true, 1)).sub(t).mul(scale);
        return new NDArray[] {d};
    }
}
