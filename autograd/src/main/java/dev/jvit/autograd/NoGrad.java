package dev.jvit.autograd;

/**
 * A scope in which ops record no graph nodes (PyTorch's {@code torch.no_grad()}): evaluation, optimizer
 * updates and numerical gradient checks run inside one so they cost no memory for saved arrays.
 * <pre>
 *   try (NoGrad ignored = NoGrad.enter()) {
 *       Tensor logits = model.forward(x);   // no graph
 *   }
 * </pre>
 * The scope is per thread and nests: recording resumes when the outermost scope closes.
 */
public final class NoGrad implements AutoCloseable {
    // a depth rather than a flag so nested scopes (a no-grad helper called from a no-grad loop) compose
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    /** Opens a scope; close it (try-with-resources) on the same thread. */
    public static NoGrad enter() {
        return new NoGrad();
    }

    /** Whether ops on this thread record graph nodes right now. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (closed) return; // closing twice must not re-enable recording for an enclosing scope
        closed = true;
        DEPTH.get()[0]--;
    }
}
