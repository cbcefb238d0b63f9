package dev.jvit.autograd;

import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode engine, micrograd's {@code Value.backward} with two additions: gradients are summed back
 * over broadcast dimensions here, once, instead of in every op; and a gradient buffer the engine allocated is
 * accumulated into in place, while one an op returned (possibly a view shared with other nodes) is never
 * written to. A gradient array is handed back to its backend ({@link dev.jvit.core.Storage#recycle}) once a node
 * has run and nothing may use it any more: the node's incoming gradient, what its backward returned, and what the
 * engine summed away, unless a pending gradient holds the same storage (an op passes its gradient on to an input,
 * or one array to two inputs), it became a tensor's {@code grad}, or it is the caller's seed. Inside a step arena's
 * cycle the next op then reuses the memory, and the backward pass needs a few gradient arrays, not one per node.
 */
final class Engine {
    private Engine() {}

    /** A gradient on its way through the graph; owned means no other node or user holds this buffer. */
    private static final class Grad {
        NDArray value;
        boolean owned;

        Grad(NDArray value, boolean owned) {
            this.value = value;
            this.owned = owned;
        }

        void add(NDArray g, Holders holders) {
            if (owned) {
                value.addInPlace(g);
            } else {
                holders.drop(value.storage());
                value = value.add(g);
                holders.hold(value.storage());
                owned = true;
            }
        }
    }

    /**
     * Which storages pending gradients hold, how many times (an op may hand one array to several inputs), and which
     * may never be recycled (the caller's seed, an array that became a tensor's grad).
     */
    private static final class Holders {
        private final Map<Storage, Integer> pending = new IdentityHashMap<>();
        private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());

        void hold(Storage s) {
            pending.merge(s, 1, Integer::sum);
        }

        void drop(Storage s) {
            pending.computeIfPresent(s, (k, c) -> c > 1 ? c - 1 : null);
        }

        void keep(Storage s) {
            kept.add(s);
        }

        /** Recycles s unless a pending gradient holds it or it is kept. */
        void recycleIfUnused(Storage s) {
            if (!pending.containsKey(s) && !kept.contains(s)) s.recycle();
        }
    }

    /** Back-propagates seed (root's shape) from root to every tensor that requires a gradient. */
    static void backward(Tensor root, NDArray seed, boolean retainGraph) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Grad> grads = new IdentityHashMap<>();
        Holders holders = new Holders();
        grads.put(root, new Grad(seed, false));
        holders.hold(seed.storage());
        holders.keep(seed.storage()); // the caller may still hold it
        List<Storage> done = new ArrayList<>(); // arrays this node was the last to need, unless held elsewhere
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Grad g = grads.remove(t);
            if (g == null) continue; // every path from root to t returned null
            holders.drop(g.value.storage());
            if (t.isLeaf() || t.retainsGrad()) {
                t.accumulateGrad(g.value, g.owned);
                holders.keep(g.value.storage());
            }
            Function fn = t.gradFn();
            if (fn == null) continue;
            long t0 = OpProfiler.ENABLED ? System.nanoTime() : 0;
            NDArray[] inGrads = fn.backward(g.value);
            if (OpProfiler.ENABLED) OpProfiler.record(fn.name(), "backward", System.nanoTime() - t0);
            long t1 = OpProfiler.ENABLED ? System.nanoTime() : 0;
            Tensor[] inputs = fn.inputs();
            if (inGrads.length != inputs.length) {
                throw new IllegalStateException(fn.name() + ".backward returned " + inGrads.length
                        + " gradients for " + inputs.length + " inputs");
            }
            done.add(g.value.storage());
            for (int j = 0; j < inputs.length; j++) {
                if (inGrads[j] == null) continue;
                done.add(inGrads[j].storage());
                if (!inputs[j].requiresGrad()) continue;
                NDArray gj = unbroadcast(inGrads[j], inputs[j].value().shape(), fn, j);
                boolean fresh = gj.storage() != inGrads[j].storage(); // the engine summed it: no one else holds it
                Grad acc = grads.get(inputs[j]);
                if (acc == null) {
                    grads.put(inputs[j], new Grad(gj, fresh));
                    holders.hold(gj.storage());
                } else {
                    done.add(acc.value.storage());
                    acc.add(gj, holders);
                    done.add(gj.storage());
                }
            }
            // only now: an array dropped by one input may be passed on to the next
            for (Storage s : done) holders.recycleIfUnused(s);
            done.clear();
            if (OpProfiler.ENABLED) OpProfiler.record("(engine)", "accumulate", System.nanoTime() - t1);
            if (!retainGraph) fn.release();
        }
    }

    /**
     * Tensors that lead to root and require a gradient, each after all of its inputs (root last). Iterative,
     * because a deep model's graph is deeper than the default thread stack. Fails before any gradient is
     * touched when a node's saved arrays were freed by an earlier backward.
     */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>(); // per stack entry: index of the next input to visit
        stack.push(root);
        next.push(0);
        visited.add(root);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            Function fn = t.gradFn();
            if (fn != null && fn.isReleased()) throw new IllegalStateException(fn.releasedMessage());
            int k = next.pop();
            Tensor[] inputs = fn == null ? new Tensor[0] : fn.inputs();
            while (k < inputs.length && (!inputs[k].requiresGrad() || visited.contains(inputs[k]))) k++;
            if (k < inputs.length) {
                next.push(k + 1);
                visited.add(inputs[k]);
                stack.push(inputs[k]);
                next.push(0);
            } else {
                order.add(stack.pop());
            }
        }
        return order;
    }

    /**
     * Sums g over the dimensions along which an input of the given shape was broadcast, e.g. a bias (C)
     * added to (B,N,C) receives the (B,N,C) gradient summed over B and N. Returns g itself when the shapes
     * already agree; fails when no broadcast of shape gives g's shape, which means the op is wrong.
     */
    static NDArray unbroadcast(NDArray g, int[] shape, Function fn, int input) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int n = 0;
        boolean ok = lead >= 0;
        for (int i = 0; ok && i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[n++] = i;
            else ok = shape[i - lead] == gs[i];
        }
        if (!ok) {
            throw new IllegalStateException(fn.name() + ".backward returned a gradient of shape " + Shape.str(gs)
                    + " for input " + input + " of shape " + Shape.str(shape)
                    + ", which is neither that shape nor a broadcast of it");
        }
        NDArray summed = n == 0 ? g : g.sum(true, Arrays.copyOf(dims, n));
        return summed.reshape(shape);
    }
}
