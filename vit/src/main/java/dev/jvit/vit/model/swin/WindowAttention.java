package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.AttentionMask;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.init.Init;
import dev.jvit.nn.layers.Dropout;
import dev.jvit.nn.layers.Linear;

/**
 * Multi-head self-attention inside M×M windows with a learned relative position bias, timm's swin
 * {@code WindowAttention}: softmax(q·kᵀ/√D + B + mask)·v, then proj. B (heads, M², M²) is read from
 * {@code relative_position_bias_table} ((2M-1)², heads), one learned scalar per head and per 2-D offset
 * between two tokens of a window, through the fixed {@link WindowOps#relativePositionIndex}.
 *
 * <p>Parameter names and order are timm's: relative_position_bias_table, qkv.weight, qkv.bias, proj.weight,
 * proj.bias. The index is not a buffer of the state dict (timm registers it non-persistent): it is a
 * function of M, rebuilt here and moved to the input's device on first use.
 */
public final class WindowAttention extends Module {
    private final int dim, numHeads, headDim, window;
    private final float scale;
    private final Tensor biasTable; // ((2M-1)², H)
    private final Linear qkv, proj;
    private final Dropout attnDrop, projDrop;
    private NDArray index;          // (M²·M²) INT32, flattened relative_position_index

    public WindowAttention(int dim, int numHeads, int window, boolean qkvBias, float attnDrop, float projDrop,
                           Generator g) {
        if (numHeads <= 0 || dim <= 0 || dim % numHeads != 0) {
            throw new IllegalArgumentException("window attention dim " + dim + " must be a positive multiple of the head count "
                    + numHeads);
        }
        if (window <= 0) throw new IllegalArgumentException("window size must be positive, got " + window);
        this.dim = dim;
        this.numHeads = numHeads;
        this.headDim = dim / numHeads;
        this.window = window;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        int side = 2 * window - 1;
        // timm: trunc_normal(std=0.02), and excluded from weight decay (its no_weight_decay names the table)
        this.biasTable = registerParameter("relative_position_bias_table",
                Init.truncNormal(NDArray.empty(DType.FLOAT32, side * side, numHeads), 0.02f, g), false);
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, g));
        this.attnDrop = registerModule("attn_drop", new Dropout(attnDrop, g.split()));
        this.proj = registerModule("proj", new Linear(dim, dim, g));
        this.projDrop = registerModule("proj_drop", new Dropout(projDrop, g.split()));
        this.index = WindowOps.relativePositionIndex(window).reshape(-1);
    }

    /** x (B·nW, M², C) to (B·nW, M², C), without a mask (nW taken as 1). */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /**
     * x (B·nW, M², C) to (B·nW, M², C). mask is (nW, M², M²) additive (the shifted-window mask) or null; windows
     * are ordered image by image, so window i uses mask row i mod nW.
     */
    public Tensor forward(Tensor x, NDArray mask) {
        int n = window * window;
        if (x.rank() != 3 || x.size(1) != n || x.size(2) != dim) {
            throw new IllegalArgumentException("window attention (window " + window + ", dim " + dim + ") expects (B*nW, "
                    + n + ", " + dim + "), got " + Shape.str(x.shape()));
        }
        int nw = mask == null ? 1 : mask.size(0);
        if (mask != null && (mask.rank() != 3 || mask.size(1) != n || mask.size(2) != n)) {
            throw new IllegalArgumentException("window attention mask must be (nW, " + n + ", " + n + "), got "
                    + Shape.str(mask.shape()));
        }
        int bw = x.size(0);
        if (bw % nw != 0) {
            throw new IllegalArgumentException(bw + " windows are not a whole number of images of " + nw + " windows");
        }
        int b = bw / nw;
        // q, k, v as (B, nW, H, N, D): the window axis kept apart so the mask (nW, ...) broadcasts over images
        Tensor qkvOut = qkv.forward(x).reshape(b, nw, n, 3, numHeads, headDim).permute(3, 0, 1, 4, 2, 5);
        Tensor q = qkvOut.select(0, 0), k = qkvOut.select(0, 1), v = qkvOut.select(0, 2);
        Tensor additive = relativePositionBias(); // (H, N, N)
        if (mask != null) additive = additive.add(Tensor.of(onDevice(mask, x.device())).unsqueeze(1)); // (nW, H, N, N)
        Functional.AttentionOutput a = Functional.attention(q, k, v, AttentionMask.additive(additive), scale,
                attnDrop.p(), attnDrop.generator(), attnDrop.isTraining());
        Tensor merged = a.output().permute(0, 1, 3, 2, 4).reshape(bw, n, dim); // (B·nW, N, C)
        return projDrop.forward(proj.forward(merged));
    }

    /** B (H, M², M²): the bias table's rows picked by the relative position index. Differentiable in the table. */
    public Tensor relativePositionBias() {
        index = onDevice(index, biasTable.device());
        int n = window * window;
        return biasTable.indexSelect(0, Tensor.of(index)).reshape(n, n, numHeads).permute(2, 0, 1);
    }

    private static NDArray onDevice(NDArray a, Device d) {
        return a.device().equals(d) ? a : a.to(d);
    }

    public Tensor relativePositionBiasTable() {
        return biasTable;
    }

    public Linear qkv() {
        return qkv;
    }

    public Linear proj() {
        return proj;
    }

    public int window() {
        return window;
    }

    public int numHeads() {
        return numHeads;
    }
}
