package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;

/**
 * Layer norm over the last dimension with the fused kernels (llm.c's layernorm_forward/backward): x is
 * (..., C), weight and bias are (C) or absent; y = (x - mean) * rstd * weight + bias. Forward saves the
 * per-row mean and rstd so backward need not recompute them. Inputs, in order: x, then weight if present,
 * then bias if present.
 */
public final class LayerNorm extends Function {
    private final boolean hasWeight, hasBias;
    private final float eps;

    public LayerNorm(boolean hasWeight, boolean hasBias, float eps) {
        if (!(eps >= 0f)) throw new IllegalArgumentException("layerNorm eps must be >= 0, got " + eps);
        this.hasWeight = hasWeight;
        this.hasBias = hasBias;
        this.eps = eps;
    }

    @Override
    protected NDArray forward(NDArray... in) {
        int expected = 1 + (hasWeight ? 1 : 0) + (hasBias ? 1 : 0);
        if (in.length != expected) {
            throw new IllegalArgumentException("layerNorm expects " + expected + " inputs, got " + in.length);
        }
        NDArray x = in[0];
        NDArray w = hasWeight ? in[1] : null;
        NDArray b = hasBias ? in[in.length - 1] : null;
        if (x.dtype() != DType.FLOAT32 || x.rank() < 1) {
            throw new IllegalArgumentException("layerNorm needs a FLOAT32 input of rank >= 1, got " + x.dtype()
                    + " " + Shape.str(x.shape()));
        }
        int c = x.size(-1);
        checkParam(x, w, c, "weight");
        checkParam(x, b, c, "bias");
        LayerNormResult r = x.backend().layerNorm(x, w, b, eps);
        save(x, w, r.mean(), r.rstd());
        return r.y();
    }

    private static void checkParam(NDArray x, NDArray p, int c, String what) {
        if (p == null) return;
        if (p.dtype() != DType.FLOAT32 || p.rank() != 1 || p.size(0) != c) {
            throw new IllegalArgumentException("layerNorm " + what + " must be FLOAT32 of shape [" + c + "] for input "
                    + Shape.str(x.shape()) + ", got " + p.dtype() + " " + Shape.str(p.shape()));
        }
        x.sameDevice(p, "layerNorm");
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0), w = saved(1), mean = saved(2), rstd = saved(3);
        LayerNormGrads d = x.backend().layerNormBackward(g, x, w, mean, rstd, hasBias);
        NDArray[] out = new NDArray[1 + (hasWeight ? 1 : 0) + (hasBias ? 1 : 0)];
        out[0] = d.dx();
        if (hasWeight) out[1] = d.dweight();
        if (hasBias) out[out.length - 1] = d.dbias();
        return out;
    }
}
