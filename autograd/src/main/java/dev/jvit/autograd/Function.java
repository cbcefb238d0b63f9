package dev.jvit.autograd;

import dev.jvit.core.NDArray;

/**
 * One differentiable op, tinygrad-mlops style: a subclass computes its output from its inputs' values in
 * {@link #forward}, saving what the backward pass needs with {@link #save}, and turns the gradient of the
 * output into gradients of the inputs in {@link #backward}. Ops never see {@link Tensor}s, only arrays; the
 * graph bookkeeping lives here and in {@link Engine}.
 * <pre>
 *   public final class Mul extends Function {
 *       protected NDArray forward(NDArray... x) { save(x[0], x[1]); return x[0].mul(x[1]); }
 *       protected NDArray[] backward(NDArray g) {
 *           return new NDArray[] {needsInputGrad(0) ? g.mul(saved(1)) : null,
 *                                 needsInputGrad(1) ? g.mul(saved(0)) : null};
 *       }
 *   }
 *   Tensor y = Function.apply(new Mul(), a, b);
 * </pre>
 * A Function object is used for exactly one application.
 */
public abstract class Function {
    private Tensor[] inputs;
    private boolean[] needsInputGrad;
    private boolean recording;
    private NDArray[] saved;
    private boolean released;
    private boolean applied;

    /**
     * Computes the output value. x holds the inputs' values in the order given to {@link #apply}. Non-array
     * parameters (dimensions, eps, ...) come through the subclass's constructor.
     */
    protected abstract NDArray forward(NDArray... x);

    /**
     * Gradients of the loss with respect to each input, given g, the gradient with respect to the output
     * (g has the output's shape). An entry may have the shape of the broadcast output instead of its input's
     * shape: the engine sums it back over the broadcast dimensions. Entries for inputs that need no gradient
     * are null. Must not modify g, which other nodes may share.
     */
    protected abstract NDArray[] backward(NDArray g);

    /**
     * Runs fn on the inputs and wraps the result. The output records fn as its gradient function when
     * gradients are enabled (outside {@link NoGrad}) and at least one input requires a gradient.
     */
    public static Tensor apply(Function fn, Tensor... inputs) {
        if (fn.applied) throw new IllegalStateException(fn.name() + " was already applied; create a new one per call");
        fn.applied = true;
        boolean[] needs = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new NullPointerException(fn.name() + ": input " + i + " is null");
            needs[i] = inputs[i].requiresGrad();
            any |= needs[i];
        }
        fn.recording = any && NoGrad.isGradEnabled();
        fn.needsInputGrad = needs;
        NDArray[] values = new NDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) values[i] = inputs[i].value();
        long t0 = OpProfiler.ENABLED ? System.nanoTime() : 0;
        NDArray out = fn.forward(values);
        if (OpProfiler.ENABLED) OpProfiler.record(fn.name(), "forward", System.nanoTime() - t0);
        if (!fn.recording) {
            fn.saved = null;
            return new Tensor(out, false, null);
        }
        fn.inputs = inputs.clone();
        return new Tensor(out, true, fn);
    }

    /** Whether input i requires a gradient; backward may skip the work for those that do not. */
    protected final boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }

    /** Keeps arrays for the backward pass (PyTorch's save_for_backward); nothing is kept when not recording. */
    protected final void save(NDArray... arrays) {
        if (recording) saved = arrays.clone();
    }

    /** The i-th saved array. */
    protected final NDArray saved(int i) {
        if (released) throw new IllegalStateException(releasedMessage());
        if (saved == null || i >= saved.length) {
            throw new IllegalStateException(name() + " saved no array number " + i + " for backward");
        }
        return saved[i];
    }

    /** A short name for messages: the class name. */
    public String name() {
        return getClass().getSimpleName();
    }

    // ---- used by the engine -------------------------------------------------------------------------

    Tensor[] inputs() {
        return inputs;
    }

    boolean isReleased() {
        return released;
    }

    /**
     * Drops the saved arrays and the links to the inputs after a backward pass that did not retain the graph,
     * so the intermediate values can be freed while the output tensor is still referenced (a loss kept for
     * printing). The released flag alone is enough to report a second backward clearly.
     */
    void release() {
        saved = null;
        inputs = null;
        released = true;
    }

    String releasedMessage() {
        return "cannot backward through " + name() + " a second time: its saved arrays were freed by an "
                + "earlier backward(); pass retainGraph = true to the first backward(upstream, retainGraph) "
                + "to backward through the same graph again";
    }

    @Override
    public String toString() {
        return name();
    }
}
