package dev.jvit.autograd;

import dev.jvit.autograd.ops.Abs;
import dev.jvit.autograd.ops.Add;
import dev.jvit.autograd.ops.Concat;
import dev.jvit.autograd.ops.Contiguous;
import dev.jvit.autograd.ops.Div;
import dev.jvit.autograd.ops.Dropout;
import dev.jvit.autograd.ops.Erf;
import dev.jvit.autograd.ops.Exp;
import dev.jvit.autograd.ops.Expand;
import dev.jvit.autograd.ops.Gather;
import dev.jvit.autograd.ops.Gelu;
import dev.jvit.autograd.ops.GeluDropout;
import dev.jvit.autograd.ops.Im2Col;
import dev.jvit.autograd.ops.IndexSelect;
import dev.jvit.autograd.ops.LayerNorm;
import dev.jvit.autograd.ops.Log;
import dev.jvit.autograd.ops.LogSoftmax;
import dev.jvit.autograd.ops.MaskedFill;
import dev.jvit.autograd.ops.Matmul;
import dev.jvit.autograd.ops.Max;
import dev.jvit.autograd.ops.Maximum;
import dev.jvit.autograd.ops.Mean;
import dev.jvit.autograd.ops.Minimum;
import dev.jvit.autograd.ops.Mul;
import dev.jvit.autograd.ops.Narrow;
import dev.jvit.autograd.ops.Neg;
import dev.jvit.autograd.ops.Permute;
import dev.jvit.autograd.ops.Pow;
import dev.jvit.autograd.ops.PowScalar;
import dev.jvit.autograd.ops.Relu;
import dev.jvit.autograd.ops.Reshape;
import dev.jvit.autograd.ops.Rsqrt;
import dev.jvit.autograd.ops.Select;
import dev.jvit.autograd.ops.Sigmoid;
import dev.jvit.autograd.ops.Slice;
import dev.jvit.autograd.ops.Softmax;
import dev.jvit.autograd.ops.Sqrt;
import dev.jvit.autograd.ops.Squeeze;
import dev.jvit.autograd.ops.Sub;
import dev.jvit.autograd.ops.Sum;
import dev.jvit.autograd.ops.Tanh;
import dev.jvit.autograd.ops.To;
import dev.jvit.autograd.ops.Transpose;
import dev.jvit.autograd.ops.Unsqueeze;
import dev.jvit.autograd.ops.Var;
import dev.jvit.autograd.ops.View;
import dev.jvit.autograd.ops.Where;
import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.core.backend.GeluApproximation;

import java.util.Arrays;

/**
 * The user-facing value of jvit: an {@link NDArray} plus what reverse-mode differentiation needs (its
 * gradient, whether it requires one, and the {@link Function} that produced it). Every differentiable method
 * computes through the array's backend and, unless inside {@link NoGrad}, records a graph node;
 * {@link #backward()} walks the graph once (see {@link Engine}). Names and semantics follow PyTorch.
 *
 * <p>A leaf is a tensor no recorded op produced: inputs, constants and parameters. Gradients accumulate into
 * a leaf's {@link #grad()} across backward calls until {@link #zeroGrad()}; a non-leaf keeps its gradient
 * only after {@link #retainGrad()}.
 */
public final class Tensor {
    private NDArray value;
    private NDArray grad;
    private boolean requiresGrad;
    private boolean retainGrad;
    private final Function gradFn;

    Tensor(NDArray value, boolean requiresGrad, Function gradFn) {
        if (value == null) throw new NullPointerException("a tensor needs a value");
        if (requiresGrad) requireFloat(value);
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.gradFn = gradFn;
    }

    // ---- factories ---------------------------------------------------------------------------------

    /** A constant: a leaf that requires no gradient, sharing value's storage. */
    public static Tensor of(NDArray value) {
        return new Tensor(value, false, null);
    }

    /** A leaf that requires a gradient (a parameter or an input to differentiate with respect to). */
    public static Tensor param(NDArray value) {
        return new Tensor(value, true, null);
    }

    public static Tensor of(float[] data, int... shape) {
        return of(NDArray.of(data, shape));
    }

    public static Tensor scalar(float value) {
        return of(NDArray.scalar(value));
    }

    public static Tensor zeros(int... shape) {
        return of(NDArray.zeros(shape));
    }

    public static Tensor zeros(Device device, int... shape) {
        return of(NDArray.full(0f, device, shape));
    }

    public static Tensor ones(int... shape) {
        return of(NDArray.ones(shape));
    }

    public static Tensor ones(Device device, int... shape) {
        return of(NDArray.full(1f, device, shape));
    }

    public static Tensor full(float value, int... shape) {
        return of(NDArray.full(value, shape));
    }

    /** Standard normal values drawn from g. */
    public static Tensor randn(Generator g, int... shape) {
        return of(NDArray.randn(g, shape));
    }

    /** Uniform values in [0, 1) drawn from g. */
    public static Tensor rand(Generator g, int... shape) {
        return of(NDArray.rand(g, shape));
    }

    // ---- state -------------------------------------------------------------------------------------

    public NDArray value() {
        return value;
    }

    /**
     * Replaces a leaf's value (loading weights, moving a parameter to another device in place). The gradient
     * is dropped when the shape or device changes.
     */
    public Tensor setValue(NDArray newValue) {
        if (!isLeaf()) throw new IllegalStateException("setValue() is only allowed on leaf tensors, this one was made by " + gradFn.name());
        if (requiresGrad) requireFloat(newValue);
        if (grad != null && (!Arrays.equals(grad.shape(), newValue.shape()) || !grad.device().equals(newValue.device()))) {
            grad = null;
        }
        value = newValue;
        return this;
    }

    /** The accumulated gradient, or null when none has arrived (or after {@link #zeroGrad()}). */
    public NDArray grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Turns gradient tracking on or off for a leaf (PyTorch's requires_grad_). */
    public Tensor requiresGrad(boolean requires) {
        if (!isLeaf()) {
            throw new IllegalStateException("requiresGrad can only be changed on leaf tensors; this one was made by "
                    + gradFn.name() + " (use detach() to get a leaf)");
        }
        if (requires) requireFloat(value);
        requiresGrad = requires;
        return this;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Function gradFn() {
        return gradFn;
    }

    /** Keeps this non-leaf tensor's gradient in {@link #grad()} during backward (leaves always keep theirs). */
    public Tensor retainGrad() {
        if (!requiresGrad) throw new IllegalStateException("retainGrad() on a tensor that does not require grad");
        retainGrad = true;
        return this;
    }

    public boolean retainsGrad() {
        return retainGrad;
    }

    /** Drops the gradient (PyTorch's default set_to_none): the next backward allocates a fresh one. */
    public void zeroGrad() {
        grad = null;
    }

    /** Fills the gradient buffer with zeros instead of dropping it, when one exists; or drops it. */
    public void zeroGrad(boolean setToNone) {
        if (setToNone || grad == null) grad = null;
        else grad.fill(0f);
    }

    /** Called by the engine; owned means no one else holds g, so it can become the grad buffer itself. */
    void accumulateGrad(NDArray g, boolean owned) {
        if (grad == null) grad = owned && g.isContiguous() ? g : g.copy();
        else grad.addInPlace(g);
    }

    // ---- backward ----------------------------------------------------------------------------------

    /** Back-propagates from a one-element tensor (a loss), seeding its gradient with 1. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalStateException("backward() without an upstream gradient needs a one-element tensor "
                    + "(a loss), this one has shape " + Shape.str(value.shape())
                    + "; call backward(upstream) with a gradient of that shape");
        }
        backward(NDArray.full(1f, value.device(), value.shape()), false);
    }

    /** Back-propagates upstream, the gradient of some scalar with respect to this tensor (same shape). */
    public void backward(NDArray upstream) {
        backward(upstream, false);
    }

    /**
     * As {@link #backward(NDArray)}; with retainGraph the graph's saved arrays are kept so backward can run
     * through it again, otherwise they are freed and a second backward fails with a clear message.
     */
    public void backward(NDArray upstream, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no input of the "
                    + "ops that made it requires grad, or it was computed inside NoGrad");
        }
        if (!Arrays.equals(upstream.shape(), value.shape())) {
            throw new IllegalArgumentException("upstream gradient has shape " + Shape.str(upstream.shape())
                    + " but the tensor has shape " + Shape.str(value.shape()));
        }
        if (upstream.dtype() != DType.FLOAT32) throw new IllegalArgumentException("upstream gradient must be FLOAT32, got " + upstream.dtype());
        value.sameDevice(upstream, "backward");
        Engine.backward(this, upstream, retainGraph);
    }

    // ---- plain accessors ---------------------------------------------------------------------------

    public int[] shape() {
        return value.shape();
    }

    public int size(int dim) {
        return value.size(dim);
    }

    public int rank() {
        return value.rank();
    }

    public long numel() {
        return value.numel();
    }

    public DType dtype() {
        return value.dtype();
    }

    public Device device() {
        return value.device();
    }

    public float item() {
        return value.item();
    }

    public float[] toFloatArray() {
        return value.toFloatArray();
    }

    /** A leaf sharing this tensor's storage that requires no gradient: gradients stop here. */
    public Tensor detach() {
        return new Tensor(value, false, null);
    }

    /** This tensor on another device (itself when already there); differentiable. */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        return Function.apply(new To(device), this);
    }

    // ---- elementwise arithmetic --------------------------------------------------------------------

    public Tensor add(Tensor o) { return Function.apply(new Add(), this, o); }
    public Tensor sub(Tensor o) { return Function.apply(new Sub(), this, o); }
    public Tensor mul(Tensor o) { return Function.apply(new Mul(), this, o); }
    public Tensor div(Tensor o) { return Function.apply(new Div(), this, o); }
    public Tensor add(float s) { return add(constant(s)); }
    public Tensor sub(float s) { return sub(constant(s)); }
    public Tensor mul(float s) { return mul(constant(s)); }
    public Tensor div(float s) { return div(constant(s)); }

    /** Elementwise power with a tensor exponent (broadcast). */
    public Tensor pow(Tensor exponent) { return Function.apply(new Pow(), this, exponent); }
    public Tensor pow(float exponent) { return Function.apply(new PowScalar(exponent), this); }

    /** Elementwise max; on ties the gradient is split equally between the two inputs (as PyTorch). */
    public Tensor maximum(Tensor o) { return Function.apply(new Maximum(), this, o); }
    /** Elementwise min; on ties the gradient is split equally between the two inputs (as PyTorch). */
    public Tensor minimum(Tensor o) { return Function.apply(new Minimum(), this, o); }

    public Tensor neg() { return Function.apply(new Neg(), this); }
    public Tensor exp() { return Function.apply(new Exp(), this); }
    public Tensor log() { return Function.apply(new Log(), this); }
    public Tensor sqrt() { return Function.apply(new Sqrt(), this); }
    public Tensor rsqrt() { return Function.apply(new Rsqrt(), this); }
    public Tensor tanh() { return Function.apply(new Tanh(), this); }
    public Tensor erf() { return Function.apply(new Erf(), this); }
    /** |x|; the gradient at 0 is 0. */
    public Tensor abs() { return Function.apply(new Abs(), this); }
    /** max(x, 0); the gradient at 0 is 0. */
    public Tensor relu() { return Function.apply(new Relu(), this); }
    public Tensor sigmoid() { return Function.apply(new Sigmoid(), this); }

    /** cond != 0 ? a : b, all three broadcast together; cond is not differentiated. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Function.apply(new Where(cond.value()), a, b);
    }

    /** value where mask != 0, this elsewhere (PyTorch's masked_fill); mask is not differentiated. */
    public Tensor maskedFill(Tensor mask, float fill) {
        return Function.apply(new MaskedFill(mask.value(), fill), this);
    }

    // ---- reductions --------------------------------------------------------------------------------

    /** Sum over the given dimensions (all when none are given). */
    public Tensor sum(int... dims) { return sum(false, dims); }
    public Tensor sum(boolean keepDim, int... dims) { return Function.apply(new Sum(keepDim, dims), this); }
    public Tensor mean(int... dims) { return mean(false, dims); }
    public Tensor mean(boolean keepDim, int... dims) { return Function.apply(new Mean(keepDim, dims), this); }

    /**
     * Largest value over the given dimensions (PyTorch's amax). The gradient is split equally among
     * the positions that tie for the maximum.
     */
    public Tensor max(int... dims) { return max(false, dims); }
    public Tensor max(boolean keepDim, int... dims) { return Function.apply(new Max(keepDim, dims), this); }

    /** Smallest value over the given dimensions: -max(-x), so ties split the gradient equally too. */
    public Tensor min(int... dims) { return min(false, dims); }
    public Tensor min(boolean keepDim, int... dims) { return neg().max(keepDim, dims).neg(); }

    /** Variance over dims with sum((x - mean)^2) / (n - correction); correction 1 is PyTorch's default. */
    public Tensor var(int correction, boolean keepDim, int... dims) {
        return Function.apply(new Var(correction, keepDim, dims), this);
    }

    /** Unbiased variance (correction 1) over the given dimensions (all when none are given). */
    public Tensor var(int... dims) { return var(1, false, dims); }

    // ---- linear algebra ----------------------------------------------------------------------------

    /** Matrix product with PyTorch's rules: batch dimensions broadcast, 1-D operands become a row/column. */
    public Tensor matmul(Tensor o) { return Function.apply(new Matmul(), this, o); }

    // ---- movement ----------------------------------------------------------------------------------

    /** A tensor of a new shape with the same elements (one entry may be -1); copies only when it must. */
    public Tensor reshape(int... shape) { return Function.apply(new Reshape(shape), this); }

    /** As reshape, but fails instead of copying when the strides do not allow a view. */
    public Tensor view(int... shape) { return Function.apply(new View(shape), this); }

    public Tensor flatten() { return reshape(-1); }

    /** Merges dimensions startDim..endDim (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        int[] s = shape();
        if (s.length == 0) return reshape(1);
        int a = Shape.dim(startDim, s.length), b = Shape.dim(endDim, s.length);
        if (a > b) throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
        int[] t = new int[s.length - (b - a)];
        System.arraycopy(s, 0, t, 0, a);
        t[a] = 1;
        for (int i = a; i <= b; i++) t[a] *= s[i];
        System.arraycopy(s, b + 1, t, a + 1, s.length - b - 1);
        return reshape(t);
    }

    public Tensor permute(int... dims) { return Function.apply(new Permute(dims), this); }
    public Tensor transpose(int dim0, int dim1) { return Function.apply(new Transpose(dim0, dim1), this); }

    /** Swaps the last two dimensions. */
    public Tensor mT() {
        if (rank() < 2) throw new IllegalStateException("mT() needs at least 2 dimensions, shape is " + Shape.str(shape()));
        return transpose(-2, -1);
    }

    /** Broadcasts size-1 (and new leading) dimensions without copying; -1 keeps a size. */
    public Tensor expand(int... shape) { return Function.apply(new Expand(shape), this); }

    /** Elements start, start+step, ... before end along dim (Python's a[start:end:step]). */
    public Tensor slice(int dim, int start, int end, int step) { return Function.apply(new Slice(dim, start, end, step), this); }
    public Tensor slice(int dim, int start, int end) { return slice(dim, start, end, 1); }
    public Tensor narrow(int dim, int start, int length) { return Function.apply(new Narrow(dim, start, length), this); }

    /** The sub-tensor at index along dim, with that dimension removed. */
    public Tensor select(int dim, int index) { return Function.apply(new Select(dim, index), this); }

    public Tensor squeeze(int dim) { return Function.apply(new Squeeze(dim), this); }
    /** Removes every size-1 dimension. */
    public Tensor squeeze() { return Function.apply(new Squeeze(), this); }
    public Tensor unsqueeze(int dim) { return Function.apply(new Unsqueeze(dim), this); }

    /** This tensor when its value is already contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() {
        if (value.isContiguous()) return this;
        return Function.apply(new Contiguous(), this);
    }

    /** Joins tensors that agree on every dimension but dim. */
    public static Tensor concat(int dim, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat needs at least one tensor");
        return Function.apply(new Concat(dim), xs);
    }

    /** Stacks equally shaped tensors along a new dimension dim. */
    public static Tensor stack(int dim, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("stack needs at least one tensor");
        Tensor[] u = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!Arrays.equals(xs[i].shape(), xs[0].shape())) {
                throw new IllegalArgumentException("stack needs equal shapes, got " + Shape.str(xs[0].shape())
                        + " and " + Shape.str(xs[i].shape()));
            }
            u[i] = xs[i].unsqueeze(dim);
        }
        return concat(dim, u);
    }

    /**
     * Slices along dim picked by a 1-D INT32 index; an embedding lookup is {@code table.indexSelect(0, ids)}.
     * Repeated indices accumulate their gradients.
     */
    public Tensor indexSelect(int dim, Tensor index) {
        return Function.apply(new IndexSelect(dim, index.value()), this);
    }

    /** torch.gather: out[i][j] = this[i][index[i][j]] for dim 1; index is INT32 with the output's shape. */
    public Tensor gather(int dim, Tensor index) {
        return Function.apply(new Gather(dim, index.value()), this);
    }

    // ---- fused ops ---------------------------------------------------------------------------------

    /** Softmax over the last dimension (fused kernel). */
    public Tensor softmax() { return Function.apply(new Softmax(), this); }

    /** Softmax over dim, through the fused last-dimension kernel and a transposed view. */
    public Tensor softmax(int dim) {
        int d = Shape.dim(dim, rank());
        return d == rank() - 1 ? softmax() : transpose(d, -1).softmax().transpose(d, -1);
    }

    /** Log-softmax over the last dimension (fused kernel). */
    public Tensor logSoftmax() { return Function.apply(new LogSoftmax(), this); }

    public Tensor logSoftmax(int dim) {
        int d = Shape.dim(dim, rank());
        return d == rank() - 1 ? logSoftmax() : transpose(d, -1).logSoftmax().transpose(d, -1);
    }

    /** Layer norm over the last dimension C; weight and bias are (C) or null. */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) {
        LayerNorm fn = new LayerNorm(weight != null, bias != null, eps);
        if (weight != null && bias != null) return Function.apply(fn, this, weight, bias);
        if (weight != null) return Function.apply(fn, this, weight);
        if (bias != null) return Function.apply(fn, this, bias);
        return Function.apply(fn, this);
    }

    public Tensor gelu(GeluApproximation approximation) { return Function.apply(new Gelu(approximation), this); }

    /** Exact GELU (erf form, PyTorch's default). */
    public Tensor gelu() { return gelu(GeluApproximation.NONE); }

    /**
     * Zeroes each element with probability p and scales the rest by 1/(1-p) when training; the identity
     * otherwise. The mask is drawn from g on the tensor's device.
     */
    public Tensor dropout(float p, Generator g, boolean training) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return this;
        return Function.apply(new Dropout(p, g), this);
    }

    /**
     * {@code gelu(approximation).dropout(p, g, training)} in one op when training with 0 &lt; p &lt; 1 (a
     * transformer MLP's hidden layer): the same numbers and the same draws from g as the two ops, with one pass
     * over memory instead of two each way.
     */
    public Tensor geluDropout(GeluApproximation approximation, float p, Generator g, boolean training) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (!training || p == 0f || p == 1f) return gelu(approximation).dropout(p, g, training);
        return Function.apply(new GeluDropout(approximation, p, g), this);
    }

    /** Convolution windows of a (B, C, H, W) image batch as (B, Ho*Wo, C*kh*kw) rows (see Backend.im2col). */
    public Tensor im2col(Conv2dGeometry geometry) { return Function.apply(new Im2Col(geometry), this); }

    // ---- not differentiable ------------------------------------------------------------------------

    /** Index of the largest element along dim (first on ties), INT32, no gradient. */
    public Tensor argmax(int dim, boolean keepDim) { return of(value.argmax(dim, keepDim)); }
    public Tensor argmax(int dim) { return argmax(dim, false); }

    /** Comparisons give float 1/0 tensors with no gradient. */
    public Tensor eq(Tensor o) { return compare(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return compare(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return compare(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return compare(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return compare(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return compare(BinaryOp.GE, o); }
    public Tensor eq(float s) { return compare(BinaryOp.EQ, constant(s)); }
    public Tensor ne(float s) { return compare(BinaryOp.NE, constant(s)); }
    public Tensor lt(float s) { return compare(BinaryOp.LT, constant(s)); }
    public Tensor le(float s) { return compare(BinaryOp.LE, constant(s)); }
    public Tensor gt(float s) { return compare(BinaryOp.GT, constant(s)); }
    public Tensor ge(float s) { return compare(BinaryOp.GE, constant(s)); }

    private Tensor compare(BinaryOp op, Tensor o) {
        return of(value.binary(op, o.value));
    }

    /** A 0-dimensional constant on this tensor's device, broadcast by the binary ops. */
    private Tensor constant(float s) {
        return of(NDArray.full(s, device()));
    }

    private static void requireFloat(NDArray v) {
        if (v.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("only FLOAT32 tensors can require gradients, got " + v.dtype());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(Shape.str(value.shape()));
        if (value.dtype() != DType.FLOAT32) sb.append(", ").append(value.dtype());
        if (!value.device().equals(Device.CPU)) sb.append(", ").append(value.device());
        if (value.numel() <= 16) {
            sb.append(", ").append(value.dtype() == DType.FLOAT32 ? Arrays.toString(value.toFloatArray())
                    : Arrays.toString(value.toIntArray()));
        }
        if (gradFn != null) sb.append(", gradFn=").append(gradFn.name());
        else if (requiresGrad) sb.append(", requiresGrad=true");
        return sb.append(')').toString();
    }
}
