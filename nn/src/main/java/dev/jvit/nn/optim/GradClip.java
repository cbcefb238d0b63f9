package dev.jvit.nn.optim;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: the norm of all gradients together
 * is {@code sqrt(sum over tensors of ||g||^2)}; when it exceeds maxNorm every gradient is scaled by
 * {@code maxNorm / (total + 1e-6)}, keeping the update's direction and bounding its size. Transformers
 * are commonly trained with maxNorm 1.0.
 */
public final class GradClip {
    /** PyTorch's guard against dividing by a zero norm. */
    static final double EPS = 1e-6;

    private GradClip() {}

    /** Clips the gradients of every parameter of model; returns the total norm before clipping. */
    public static double clipGradNorm(Module model, double maxNorm) {
        return clipGradNorm(model.parameters(), maxNorm);
    }

    /**
     * Clips the gradients of the given tensors (those without a gradient are ignored) and returns the total
     * norm before clipping. A non-finite norm (an overflow or NaN somewhere) is returned and the gradients
     * are left as they are, so the caller can see it and skip the step.
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0 && Double.isFinite(maxNorm))) {
            throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
        }
        List<NDArray> grads = grads(params);
        double total = norm(grads);
        double coef = maxNorm / (total + EPS);
        if (coef < 1.0) {
            for (NDArray g : grads) g.binaryInPlace(BinaryOp.MUL, NDArray.full((float) coef, g.device()));
        }
        return total;
    }

    /** The global L2 norm of the gradients, without clipping (0 when no tensor has a gradient). */
    public static double globalNorm(Iterable<Tensor> params) {
        return norm(grads(params));
    }

    private static List<NDArray> grads(Iterable<Tensor> params) {
        List<NDArray> grads = new ArrayList<>();
        for (Tensor t : params) if (t.grad() != null) grads.add(t.grad());
        return grads;
    }

    private static double norm(List<NDArray> grads) {
        // sums of squares are reduced on each gradient's own device; only one number per tensor comes back
        double sumSq = 0;
        for (NDArray g : grads) sumSq += g.mul(g).sum().item();
        return Math.sqrt(sumSq);
    }
}
