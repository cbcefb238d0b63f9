package dev.jvit.core;

import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;

import java.util.Arrays;

/**
 * An n-dimensional array: a strided view over a {@link Storage}. The element at index (i0, i1, ...) lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}. Movement ops (reshape, permute, transpose, expand,
 * slice, select, squeeze, unsqueeze) only make new views; compute ops check their operands here and
 * hand the work to the {@link Backend} of the array's device.
 *
 * <p>Arrays are immutable in shape; their elements can be changed through the {@code ...Into} and
 * {@code ...InPlace} methods, which write through to every view of the same storage.
 */
public final class NDArray {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    public NDArray(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides "
                    + Shape.str(strides) + " differ in rank");
        }
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shape.str(shape));
        }
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous array over the whole of a storage. */
    public static NDArray wrap(Storage storage, int... shape) {
        long n = Shape.numel(shape);
        if (n != storage.length()) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " has " + n
                    + " elements but the storage holds " + storage.length());
        }
        return new NDArray(storage, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    // ---- factories (CPU unless a device is given) --------------------------------------------------

    public static NDArray of(float[] data, int... shape) {
        checkLength(data.length, shape);
        return Backends.cpu().fromHost(data.clone(), shape.clone());
    }

    public static NDArray ofInts(int[] data, int... shape) {
        checkLength(data.length, shape);
        return Backends.cpu().fromHost(data.clone(), shape.clone());
    }

    public static NDArray scalar(float value) {
        return of(new float[] {value});
    }

    public static NDArray empty(DType dtype, int... shape) {
        return empty(dtype, Device.CPU, shape);
    }

    public static NDArray empty(DType dtype, Device device, int... shape) {
        return Backends.forDevice(device).empty(dtype, shape.clone());
    }

    public static NDArray zeros(int... shape) {
        return full(0f, shape);
    }

    public static NDArray ones(int... shape) {
        return full(1f, shape);
    }

    public static NDArray full(float value, int... shape) {
        return full(value, Device.CPU, shape);
    }

    public static NDArray full(float value, Device device, int... shape) {
        NDArray a = empty(DType.FLOAT32, device, shape);
        a.fill(value);
        return a;
    }

    /** 0, 1, ..., n-1 as FLOAT32. */
    public static NDArray arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Backends.cpu().fromHost(v, new int[] {n});
    }

    public static NDArray rand(Generator g, int... shape) {
        NDArray a = empty(DType.FLOAT32, shape);
        a.backend().uniform(a, 0f, 1f, g);
        return a;
    }

    public static NDArray randn(Generator g, int... shape) {
        NDArray a = empty(DType.FLOAT32, shape);
        a.backend().normal(a, 0f, 1f, g);
        return a;
    }

    private static void checkLength(int length, int[] shape) {
        if (Shape.numel(shape) != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape "
                    + Shape.str(shape) + " needs " + Shape.numel(shape));
        }
    }

    // ---- accessors ---------------------------------------------------------------------------------

    public Storage storage() {
        return storage;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    public int stride(int dim) {
        return strides[Shape.dim(dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return Backends.forDevice(storage.device());
    }

    /** True when the elements are laid out row-major without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    // ---- host access -------------------------------------------------------------------------------

    /** The elements in row-major order (a copy). */
    public float[] toFloatArray() {
        requireDType(DType.FLOAT32, "toFloatArray");
        return backend().toHostFloats(this);
    }

    public int[] toIntArray() {
        requireDType(DType.INT32, "toIntArray");
        return backend().toHostInts(this);
    }

    /** The value of a one-element array. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs exactly one element, shape is " + Shape.str(shape));
        }
        return dtype() == DType.FLOAT32 ? toFloatArray()[0] : toIntArray()[0];
    }

    /** One element by index (slow: for tests and printing). */
    public float get(int... index) {
        return select(index).item();
    }

    private NDArray select(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of length " + index.length + " for a "
                    + shape.length + "-dimensional array");
        }
        NDArray v = this;
        for (int i = 0; i < index.length; i++) v = v.select(0, index[i]);
        return v;
    }

    // ---- views -------------------------------------------------------------------------------------

    /** A view with a new shape (one entry may be -1); fails when the strides do not allow a view. */
    public NDArray view(int... newShape) {
        int[] target = Shape.inferReshape(shape, newShape);
        int[] newStrides = viewStrides(target);
        if (newStrides == null) {
            throw new IllegalStateException("cannot view " + Shape.str(shape) + " with strides "
                    + Shape.str(strides) + " as " + Shape.str(target)
                    + " without copying; call contiguous() first or use reshape()");
        }
        return new NDArray(storage, target, newStrides, offset);
    }

    /** Like {@link #view}, but copies when the strides do not allow a view. */
    public NDArray reshape(int... newShape) {
        int[] target = Shape.inferReshape(shape, newShape);
        int[] newStrides = viewStrides(target);
        if (newStrides != null) return new NDArray(storage, target, newStrides, offset);
        return contiguous().view(target);
    }

    public NDArray flatten() {
        return reshape(-1);
    }

    /**
     * Strides for viewing this array as {@code target}, or null when impossible. Follows PyTorch's
     * computeStride: split the old dimensions into chunks that are contiguous among themselves, and
     * require each new dimension group to fall within one chunk.
     */
    private int[] viewStrides(int[] target) {
        if (Shape.numel(shape) == 0) return Shape.contiguousStrides(target);
        int[] newStrides = new int[target.length];
        int viewD = target.length - 1;
        long chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            // remaining target dims must all be 1
            for (; viewD >= 0; viewD--) {
                if (target[viewD] != 1) return null;
                newStrides[viewD] = 1;
            }
        }
        return newStrides;
    }

    /** Reorders dimensions: result dimension i is this array's dimension dims[i]. */
    public NDArray permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute needs " + shape.length + " dimensions, got "
                    + Arrays.toString(dims));
        }
        int[] s = new int[dims.length], st = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.dim(dims[i], shape.length);
            if (seen[d]) throw new IllegalArgumentException("permute repeats dimension " + d + " in " + Arrays.toString(dims));
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
        }
        return new NDArray(storage, s, st, offset);
    }

    public NDArray transpose(int dim0, int dim1) {
        int a = Shape.dim(dim0, shape.length), b = Shape.dim(dim1, shape.length);
        int[] s = shape.clone(), st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new NDArray(storage, s, st, offset);
    }

    /** Swaps the last two dimensions. */
    public NDArray mT() {
        if (shape.length < 2) throw new IllegalStateException("mT() needs at least 2 dimensions, shape is " + Shape.str(shape));
        return transpose(-2, -1);
    }

    /**
     * Broadcasts to a larger shape without copying: size-1 dimensions (and new leading ones) get stride 0.
     * A -1 keeps the existing size.
     */
    public NDArray expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to fewer dimensions "
                    + Shape.str(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] s = new int[newShape.length], st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            if (i < lead) {
                if (newShape[i] < 0) throw new IllegalArgumentException("cannot use -1 for a new leading dimension in expand " + Shape.str(newShape));
                s[i] = newShape[i];
                st[i] = 0;
                continue;
            }
            int old = shape[i - lead];
            int want = newShape[i] == -1 ? old : newShape[i];
            if (old == want) {
                s[i] = old;
                st[i] = strides[i - lead];
            } else if (old == 1) {
                s[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to "
                        + Shape.str(newShape) + ": dimension " + i + " has size " + old + ", not 1");
            }
        }
        return new NDArray(storage, s, st, offset);
    }

    /** Elements start, start+step, ... before end along dim (Python's a[start:end:step]; negatives count from the end). */
    public NDArray slice(int dim, int start, int end, int step) {
        int d = Shape.dim(dim, shape.length);
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        int n = shape[d];
        int s = clampIndex(start, n), e = clampIndex(end, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] ns = shape.clone(), nst = strides.clone();
        ns[d] = len;
        nst[d] = strides[d] * step;
        return new NDArray(storage, ns, nst, offset + (len > 0 ? s * strides[d] : 0));
    }

    private static int clampIndex(int i, int n) {
        int j = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, j));
    }

    /** length elements from start along dim. */
    public NDArray narrow(int dim, int start, int length) {
        int d = Shape.dim(dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IndexOutOfBoundsException("narrow(" + dim + ", " + start + ", " + length
                    + ") is out of range for dimension of size " + shape[d] + " in " + Shape.str(shape));
        }
        int[] ns = shape.clone();
        ns[d] = length;
        return new NDArray(storage, ns, strides.clone(), offset + start * strides[d]);
    }

    /** The sub-array at index along dim, with that dimension removed. Negative indices count from the end. */
    public NDArray select(int dim, int index) {
        int d = Shape.dim(dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for dimension " + d
                    + " of size " + shape[d] + " in " + Shape.str(shape));
        }
        return new NDArray(storage, remove(shape, d), remove(strides, d), offset + i * strides[d]);
    }

    public NDArray unsqueeze(int dim) {
        int d = Shape.dim(dim, shape.length + 1);
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new NDArray(storage, s, st, offset);
    }

    /** Removes dimension dim, which must have size 1. */
    public NDArray squeeze(int dim) {
        int d = Shape.dim(dim, shape.length);
        if (shape[d] != 1) {
            throw new IllegalArgumentException("cannot squeeze dimension " + d + " of size " + shape[d]
                    + " in " + Shape.str(shape));
        }
        return new NDArray(storage, remove(shape, d), remove(strides, d), offset);
    }

    /** Removes every size-1 dimension. */
    public NDArray squeeze() {
        int keep = 0;
        for (int s : shape) if (s != 1) keep++;
        int[] s = new int[keep], st = new int[keep];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new NDArray(storage, s, st, offset);
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    /** This array when already contiguous, else a contiguous copy. */
    public NDArray contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own storage. */
    public NDArray copy() {
        NDArray out = backend().empty(dtype(), shape.clone());
        backend().copyInto(this, out);
        return out;
    }

    /** A copy on another device (this array when already there). */
    public NDArray to(Device device) {
        if (device.equals(device())) return this;
        Backend target = Backends.forDevice(device);
        return dtype() == DType.FLOAT32 ? target.fromHost(toFloatArray(), shape.clone())
                : target.fromHost(toIntArray(), shape.clone());
    }

    /** Converts elements to another dtype (float to int truncates toward zero). */
    public NDArray toType(DType type) {
        if (type == dtype()) return this;
        NDArray out = backend().empty(type, shape.clone());
        backend().copyInto(this, out);
        return out;
    }

    // ---- in-place ----------------------------------------------------------------------------------

    public NDArray fill(float value) {
        backend().fill(this, value);
        return this;
    }

    /** Copies src (broadcast to this shape) into this array's elements. */
    public NDArray copyFrom(NDArray src) {
        sameDevice(src, "copyFrom");
        Shape.broadcast(src.shape, shape);
        int[] b = Shape.broadcast(src.shape, shape);
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("cannot copy " + Shape.str(src.shape) + " into "
                    + Shape.str(shape));
        }
        backend().copyInto(src, this);
        return this;
    }

    /** this += other (other broadcasts to this shape). */
    public NDArray addInPlace(NDArray other) {
        return binaryInPlace(BinaryOp.ADD, other);
    }

    /** this = op(this, other) (other broadcasts to this shape). */
    public NDArray binaryInPlace(BinaryOp op, NDArray other) {
        checkFloat(this, op.name());
        checkFloat(other, op.name());
        sameDevice(other, op.name());
        int[] b = Shape.broadcast(shape, other.shape);
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("in-place " + op.name().toLowerCase() + " cannot broadcast "
                    + Shape.str(other.shape) + " into " + Shape.str(shape));
        }
        backend().binaryInto(op, this, other, this);
        return this;
    }

    // ---- elementwise -------------------------------------------------------------------------------

    public NDArray unary(UnaryOp op) {
        checkFloat(this, op.name().toLowerCase());
        NDArray out = backend().empty(DType.FLOAT32, shape.clone());
        backend().unaryInto(op, this, out);
        return out;
    }

    public NDArray neg() { return unary(UnaryOp.NEG); }
    public NDArray exp() { return unary(UnaryOp.EXP); }
    public NDArray log() { return unary(UnaryOp.LOG); }
    public NDArray sqrt() { return unary(UnaryOp.SQRT); }
    public NDArray rsqrt() { return unary(UnaryOp.RSQRT); }
    public NDArray tanh() { return unary(UnaryOp.TANH); }
    public NDArray erf() { return unary(UnaryOp.ERF); }
    public NDArray abs() { return unary(UnaryOp.ABS); }
    public NDArray relu() { return unary(UnaryOp.RELU); }
    public NDArray sigmoid() { return unary(UnaryOp.SIGMOID); }

    public NDArray pow(float exponent) {
        checkFloat(this, "pow");
        NDArray out = backend().empty(DType.FLOAT32, shape.clone());
        backend().powScalarInto(this, exponent, out);
        return out;
    }

    public NDArray binary(BinaryOp op, NDArray other) {
        String name = op.name().toLowerCase();
        checkFloat(this, name);
        checkFloat(other, name);
        sameDevice(other, name);
        NDArray out = backend().empty(DType.FLOAT32, Shape.broadcast(shape, other.shape));
        backend().binaryInto(op, this, other, out);
        return out;
    }

    /** op(this, scalar): the scalar is a 0-dimensional array on this device, broadcast with stride 0. */
    public NDArray binary(BinaryOp op, float scalar) {
        return binary(op, scalarLike(scalar));
    }

    private NDArray scalarLike(float v) {
        NDArray s = backend().empty(DType.FLOAT32, new int[0]);
        s.fill(v);
        return s;
    }

    public NDArray add(NDArray o) { return binary(BinaryOp.ADD, o); }
    public NDArray sub(NDArray o) { return binary(BinaryOp.SUB, o); }
    public NDArray mul(NDArray o) { return binary(BinaryOp.MUL, o); }
    public NDArray div(NDArray o) { return binary(BinaryOp.DIV, o); }
    public NDArray maximum(NDArray o) { return binary(BinaryOp.MAX, o); }
    public NDArray minimum(NDArray o) { return binary(BinaryOp.MIN, o); }
    public NDArray pow(NDArray o) { return binary(BinaryOp.POW, o); }
    public NDArray eq(NDArray o) { return binary(BinaryOp.EQ, o); }
    public NDArray ne(NDArray o) { return binary(BinaryOp.NE, o); }
    public NDArray lt(NDArray o) { return binary(BinaryOp.LT, o); }
    public NDArray le(NDArray o) { return binary(BinaryOp.LE, o); }
    public NDArray gt(NDArray o) { return binary(BinaryOp.GT, o); }
    public NDArray ge(NDArray o) { return binary(BinaryOp.GE, o); }
    public NDArray add(float s) { return binary(BinaryOp.ADD, s); }
    public NDArray sub(float s) { return binary(BinaryOp.SUB, s); }
    public NDArray mul(float s) { return binary(BinaryOp.MUL, s); }
    public NDArray div(float s) { return binary(BinaryOp.DIV, s); }

    /** cond != 0 ? a : b, with all three broadcast together. */
    public static NDArray where(NDArray cond, NDArray a, NDArray b) {
        checkFloat(a, "where");
        checkFloat(b, "where");
        a.sameDevice(b, "where");
        a.sameDevice(cond, "where");
        int[] s = Shape.broadcast(Shape.broadcast(cond.shape, a.shape), b.shape);
        NDArray out = a.backend().empty(DType.FLOAT32, s);
        a.backend().whereInto(cond, a, b, out);
        return out;
    }

    /** this where mask == 0, value where mask != 0 (PyTorch's masked_fill). */
    public NDArray maskedFill(NDArray mask, float value) {
        return where(mask, scalarLike(value), this);
    }

    // ---- reductions --------------------------------------------------------------------------------

    public NDArray reduce(ReduceOp op, boolean keepDim, int... dims) {
        checkFloat(this, op.name().toLowerCase());
        int[] d = normaliseDims(dims);
        if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
            for (int i : d) {
                if (shape[i] == 0) throw new IllegalArgumentException(op.name().toLowerCase()
                        + " over an empty dimension " + i + " of " + Shape.str(shape));
            }
        }
        return backend().reduce(op, this, d, keepDim);
    }

    /** Sum over the given dimensions (all when none are given). */
    public NDArray sum(int... dims) { return reduce(ReduceOp.SUM, false, dims); }
    public NDArray sum(boolean keepDim, int... dims) { return reduce(ReduceOp.SUM, keepDim, dims); }
    public NDArray mean(int... dims) { return reduce(ReduceOp.MEAN, false, dims); }
    public NDArray mean(boolean keepDim, int... dims) { return reduce(ReduceOp.MEAN, keepDim, dims); }
    public NDArray max(int... dims) { return reduce(ReduceOp.MAX, false, dims); }
    public NDArray max(boolean keepDim, int... dims) { return reduce(ReduceOp.MAX, keepDim, dims); }
    public NDArray min(int... dims) { return reduce(ReduceOp.MIN, false, dims); }

    /** Variance with a correction (1 = unbiased, PyTorch's default; 0 = population). */
    public NDArray var(int correction, boolean keepDim, int... dims) {
        checkFloat(this, "var");
        return backend().variance(this, normaliseDims(dims), correction, keepDim);
    }

    public NDArray argmax(int dim, boolean keepDim) {
        checkFloat(this, "argmax");
        int d = Shape.dim(dim, shape.length);
        if (shape[d] == 0) throw new IllegalArgumentException("argmax over an empty dimension " + d);
        return backend().argmax(this, d, keepDim);
    }

    public NDArray argmax(int dim) {
        return argmax(dim, false);
    }

    /** Sorted, distinct, non-negative dims; none given means all. */
    private int[] normaliseDims(int[] dims) {
        if (dims.length == 0) {
            int[] all = new int[shape.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = Shape.dim(dims[i], shape.length);
        Arrays.sort(d);
        for (int i = 1; i < d.length; i++) {
            if (d[i] == d[i - 1]) throw new IllegalArgumentException("dimension " + d[i] + " repeated in " + Arrays.toString(dims));
        }
        return d;
    }

    // ---- linear algebra ----------------------------------------------------------------------------

    /**
     * Matrix product. 1-D operands are treated as PyTorch does (a vector on the left becomes a row, on
     * the right a column, and the added dimension is removed from the result); batch dims broadcast.
     */
    public NDArray matmul(NDArray other) {
        checkFloat(this, "matmul");
        checkFloat(other, "matmul");
        sameDevice(other, "matmul");
        if (shape.length == 0 || other.shape.length == 0) {
            throw new IllegalArgumentException("matmul needs at least 1-dimensional operands, got "
                    + Shape.str(shape) + " and " + Shape.str(other.shape));
        }
        NDArray a = shape.length == 1 ? unsqueeze(0) : this;
        NDArray b = other.shape.length == 1 ? other.unsqueeze(1) : other;
        int k1 = a.shape[a.shape.length - 1], k2 = b.shape[b.shape.length - 2];
        if (k1 != k2) {
            throw new IllegalArgumentException("matmul shapes " + Shape.str(shape) + " and "
                    + Shape.str(other.shape) + " do not agree: " + k1 + " columns vs " + k2 + " rows");
        }
        Shape.broadcast(Arrays.copyOf(a.shape, a.shape.length - 2), Arrays.copyOf(b.shape, b.shape.length - 2));
        NDArray out = backend().matmul(a, b);
        if (shape.length == 1) out = out.squeeze(-2);
        if (other.shape.length == 1) out = out.squeeze(-1);
        return out;
    }

    // ---- joining and indexing ----------------------------------------------------------------------

    public static NDArray concat(int dim, NDArray... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat needs at least one array");
        NDArray first = xs[0];
        int d = Shape.dim(dim, first.shape.length);
        for (NDArray x : xs) {
            first.sameDevice(x, "concat");
            if (x.dtype() != first.dtype()) {
                throw new IllegalArgumentException("concat of " + first.dtype() + " and " + x.dtype());
            }
            if (x.shape.length != first.shape.length) {
                throw new IllegalArgumentException("concat of arrays of different rank: "
                        + Shape.str(first.shape) + " and " + Shape.str(x.shape));
            }
            for (int i = 0; i < x.shape.length; i++) {
                if (i != d && x.shape[i] != first.shape[i]) {
                    throw new IllegalArgumentException("concat along dimension " + d + " needs equal sizes elsewhere: "
                            + Shape.str(first.shape) + " vs " + Shape.str(x.shape));
                }
            }
        }
        return first.backend().concat(xs.clone(), d);
    }

    /** Rows (or slices along dim) picked by a 1-D INT32 index. */
    public NDArray indexSelect(int dim, NDArray index) {
        int d = Shape.dim(dim, shape.length);
        sameDevice(index, "indexSelect");
        if (index.dtype() != DType.INT32 || index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect needs a 1-D INT32 index, got " + index.dtype()
                    + " " + Shape.str(index.shape));
        }
        checkIndexRange(index, shape[d], "indexSelect", d);
        return backend().indexSelect(this, d, index);
    }

    /** torch.gather: index has the result's shape and agrees with this array's shape except along dim. */
    public NDArray gather(int dim, NDArray index) {
        int d = Shape.dim(dim, shape.length);
        sameDevice(index, "gather");
        checkGatherIndex(index, d, shape, "gather");
        checkIndexRange(index, shape[d], "gather", d);
        return backend().gather(this, d, index);
    }

    /** this.indexSelect(dim, index) += src, in place; repeated indices accumulate. */
    public NDArray indexAddInPlace(int dim, NDArray index, NDArray src) {
        int d = Shape.dim(dim, shape.length);
        checkFloat(this, "indexAdd");
        checkIndexRange(index, shape[d], "indexAdd", d);
        int[] expected = shape.clone();
        expected[d] = (int) index.numel();
        if (!Arrays.equals(expected, src.shape)) {
            throw new IllegalArgumentException("indexAdd source has shape " + Shape.str(src.shape)
                    + ", expected " + Shape.str(expected));
        }
        backend().indexAddInto(this, d, index, src);
        return this;
    }

    /** Scatter-add: this[..index[i,j,k]..] += src[i,j,k] along dim, in place (the backward of gather). */
    public NDArray scatterAddInPlace(int dim, NDArray index, NDArray src) {
        int d = Shape.dim(dim, shape.length);
        checkFloat(this, "scatterAdd");
        checkGatherIndex(index, d, shape, "scatterAdd");
        if (!Arrays.equals(index.shape, src.shape)) {
            throw new IllegalArgumentException("scatterAdd index " + Shape.str(index.shape)
                    + " and source " + Shape.str(src.shape) + " must have the same shape");
        }
        checkIndexRange(index, shape[d], "scatterAdd", d);
        backend().scatterAddInto(this, d, index, src);
        return this;
    }

    private static void checkGatherIndex(NDArray index, int d, int[] shape, String op) {
        if (index.dtype() != DType.INT32) throw new IllegalArgumentException(op + " needs an INT32 index, got " + index.dtype());
        if (index.rank() != shape.length) {
            throw new IllegalArgumentException(op + " index " + Shape.str(index.shape) + " must have the rank of "
                    + Shape.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (i != d && index.shape[i] != shape[i]) {
                throw new IllegalArgumentException(op + " index " + Shape.str(index.shape) + " must match "
                        + Shape.str(shape) + " in every dimension but " + d);
            }
        }
    }

    private static void checkIndexRange(NDArray index, int size, String op, int dim) {
        if (index.numel() == 0) return;
        // a host check per call: indices are small (labels, token ids), and a wrong index must not pass silently
        int[] v = index.toIntArray();
        for (int i : v) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(op + " index " + i + " is out of range for dimension "
                        + dim + " of size " + size);
            }
        }
    }

    // ---- fused ops ---------------------------------------------------------------------------------

    public NDArray softmax() {
        checkFloat(this, "softmax");
        requireRank(1, "softmax");
        return backend().softmax(this);
    }

    public NDArray logSoftmax() {
        checkFloat(this, "logSoftmax");
        requireRank(1, "logSoftmax");
        return backend().logSoftmax(this);
    }

    public NDArray gelu(GeluApproximation approximation) {
        checkFloat(this, "gelu");
        return backend().gelu(this, approximation);
    }

    private void requireRank(int min, String op) {
        if (shape.length < min) {
            throw new IllegalArgumentException(op + " needs at least " + min + " dimension(s), got shape "
                    + Shape.str(shape));
        }
    }

    // ---- checks ------------------------------------------------------------------------------------

    private void requireDType(DType t, String op) {
        if (dtype() != t) throw new IllegalStateException(op + " needs " + t + ", this array is " + dtype());
    }

    private static void checkFloat(NDArray x, String op) {
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + " needs FLOAT32 operands, got " + x.dtype() + " "
                    + Shape.str(x.shape));
        }
    }

    /** Throws a clear error when other lives on a different device. */
    public void sameDevice(NDArray other, String op) {
        if (!device().equals(other.device())) {
            throw new IllegalArgumentException(op + ": operands are on different devices (" + device()
                    + " and " + other.device() + "); move one with to(Device)");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NDArray(").append(Shape.str(shape)).append(", ")
                .append(dtype()).append(", ").append(device());
        if (numel() <= 16) {
            sb.append(", ");
            sb.append(dtype() == DType.FLOAT32 ? Arrays.toString(toFloatArray()) : Arrays.toString(toIntArray()));
        }
        return sb.append(')').toString();
    }
}
