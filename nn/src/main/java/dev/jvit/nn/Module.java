package dev.jvit.nn;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Base of every layer and model, after PyTorch's {@code nn.Module}: a module registers its parameters,
 * buffers and sub-modules under names, and everything else (listing parameters with dotted names, train/eval
 * mode, state dicts, moving to a device) follows from that registry. Names are kept in registration order,
 * so {@link #namedParameters()} is stable from run to run and matches PyTorch when registered in the same
 * order.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Boolean> decay = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter (weight decay applies) and returns it as a leaf requiring grad. */
    protected final Tensor registerParameter(String name, NDArray value) {
        return registerParameter(name, value, true);
    }

    /** Registers a trainable parameter; decay=false marks biases, norm weights, tokens and embeddings. */
    protected final Tensor registerParameter(String name, NDArray value, boolean weightDecay) {
        checkName(name);
        Tensor t = Tensor.param(value);
        parameters.put(name, t);
        decay.put(name, weightDecay);
        return t;
    }

    /** Registers a state tensor that is saved and moved with the module but not trained. */
    protected final Tensor registerBuffer(String name, NDArray value) {
        checkName(name);
        Tensor t = Tensor.of(value);
        buffers.put(name, t);
        return t;
    }

    /** Registers a sub-module; its parameters appear as {@code name.sub}. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module entry name '" + name + "'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has an entry named '" + name + "'");
        }
    }

    // ---- listing -----------------------------------------------------------------------------------

    /** Every parameter of this module and its sub-modules, depth first in registration order. */
    public final List<Parameter> namedParameters() {
        List<Parameter> out = new ArrayList<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, List<Parameter> out) {
        for (var e : parameters.entrySet()) out.add(new Parameter(prefix + e.getKey(), e.getValue(), decay.get(e.getKey())));
        for (var e : children.entrySet()) e.getValue().collectParameters(prefix + e.getKey() + ".", out);
    }

    /** The parameter tensors alone, in the order of {@link #namedParameters()}. */
    public final List<Tensor> parameters() {
        return namedParameters().stream().map(Parameter::tensor).toList();
    }

    /** Buffers with dotted names, in the same order rules as parameters. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (var e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectBuffers(prefix + e.getKey() + ".", out);
    }

    /** Direct sub-modules by name. */
    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Total number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters()) n += p.tensor().numel();
        return n;
    }

    // ---- mode --------------------------------------------------------------------------------------

    /** Training mode (dropout active) for this module and all sub-modules. */
    public Module train() {
        return setTraining(true);
    }

    /** Evaluation mode (dropout inactive) for this module and all sub-modules. */
    public Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean on) {
        training = on;
        for (Module m : children.values()) m.setTraining(on);
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient. */
    public final void zeroGrad() {
        for (Tensor t : parameters()) t.zeroGrad();
    }

    /** Moves every parameter and buffer to a device, in place (the Tensor objects stay the same). */
    public Module to(Device device) {
        for (Tensor t : parameters()) t.setValue(t.value().to(device));
        for (Tensor t : namedBuffers().values()) t.setValue(t.value().to(device));
        return this;
    }

    // ---- state dicts -------------------------------------------------------------------------------

    /** Parameters and buffers by dotted name (the live arrays, not copies). */
    public final Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : namedParameters()) out.put(p.name(), p.tensor().value());
        for (var e : namedBuffers().entrySet()) out.put(e.getKey(), e.getValue().value());
        return out;
    }

    /**
     * Copies values into this module's parameters and buffers. With strict, any missing, unexpected or
     * mis-shaped key is an error, and the message lists all of them at once; without strict, only matching
     * keys are loaded (mis-shaped ones are still an error). Values are moved to each parameter's device.
     */
    public final void loadStateDict(Map<String, NDArray> state, boolean strict) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        for (Parameter p : namedParameters()) own.put(p.name(), p.tensor());
        own.putAll(namedBuffers());
        List<String> missing = new ArrayList<>(), misShaped = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        for (var e : own.entrySet()) {
            NDArray v = state.get(e.getKey());
            if (v == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(v.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + " (checkpoint " + Shape.str(v.shape()) + ", model "
                        + Shape.str(e.getValue().shape()) + ")");
            }
        }
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder msg = new StringBuilder("state dict does not fit " + getClass().getSimpleName() + ":");
            if (!missing.isEmpty()) msg.append("\n  missing keys: ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) msg.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            if (!misShaped.isEmpty()) msg.append("\n  mis-shaped keys: ").append(String.join(", ", misShaped));
            throw new IllegalArgumentException(msg.toString());
        }
        for (var e : own.entrySet()) {
            NDArray v = state.get(e.getKey());
            if (v == null) continue;
            Tensor t = e.getValue();
            NDArray target = t.value();
            target.copyFrom(v.to(target.device()));
        }
    }

    /** One line per parameter with its shape, then the total: a quick look at a model. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Parameter p : namedParameters()) {
            sb.append(String.format("%-40s %s%n", p.name(), Shape.str(p.tensor().shape())));
        }
        return sb.append(String.format("%,d parameters%n", parameterCount())).toString();
    }
}
