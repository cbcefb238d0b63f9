package dev.jvit.nn.optim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.cpu.StepArena;
import dev.jvit.nn.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Base of the optimizers, after {@code torch.optim.Optimizer}: parameter groups, per-parameter state
 * created on a parameter's first step, {@link #step()} over every parameter that has a gradient, and the
 * state as tensors plus metadata for checkpoints. A subclass supplies the update of one parameter (which
 * calls its backend's fused kernel) and names its buffers and hyper-parameters.
 *
 * <p>Typical loop: {@code opt.zeroGrad(); loss.backward(); schedule.apply(opt, step); opt.step();}
 */
public abstract class Optimizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KIND_KEY = "optimizer";
    static final String GROUPS_KEY = "param_groups";
    static final String STEP_PREFIX = "step.";

    private final String kind;
    private final List<ParamGroup> groups;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, State> state = new HashMap<>();

    /**
     * The state of one parameter: its step count (updates done so far) and named buffers, created on
     * demand on the parameter's device.
     */
    protected static final class State {
        private long step;
        private final Map<String, NDArray> buffers = new LinkedHashMap<>();

        /** Updates done, including the one in progress inside {@code update}. */
        public long step() {
            return step;
        }

        public boolean has(String name) {
            return buffers.containsKey(name);
        }

        /**
         * The named buffer, created as zeros shaped like param when absent, and moved to param's device
         * when the parameter has moved since (a model sent to the GPU after the optimizer was built).
         */
        public NDArray buffer(String name, NDArray param) {
            NDArray b = buffers.get(name);
            // made at the first step, which may run inside a StepArena cycle: the buffer outlives it
            if (b == null) {
                b = StepArena.outside(() -> NDArray.full(0f, param.device(), param.shape()));
                buffers.put(name, b);
            } else if (!b.device().equals(param.device())) {
                NDArray old = b;
                b = StepArena.outside(() -> old.to(param.device()));
                buffers.put(name, b);
            }
            return b;
        }
    }

    /** groups must be non-empty and name each parameter once; every group's lr becomes lr * its lr scale. */
    protected Optimizer(String kind, List<ParamGroup> groups, double lr) {
        this.kind = kind;
        if (groups.isEmpty()) throw new IllegalArgumentException(kind + " needs at least one parameter group");
        this.groups = List.copyOf(groups);
        Map<Tensor, String> seen = new IdentityHashMap<>();
        for (ParamGroup g : this.groups) {
            for (Parameter p : g.params()) {
                if (byName.containsKey(p.name())) {
                    throw new IllegalArgumentException(kind + ": parameter '" + p.name() + "' appears twice in the parameter groups");
                }
                String other = seen.put(p.tensor(), p.name());
                if (other != null) {
                    throw new IllegalArgumentException(kind + ": parameters '" + other + "' and '" + p.name()
                            + "' are the same tensor; list it once");
                }
                byName.put(p.name(), p);
            }
        }
        if (byName.isEmpty()) throw new IllegalArgumentException(kind + " got parameter groups without parameters");
        setLr(lr);
    }

    // ---- what a subclass provides ------------------------------------------------------------------

    /** Updates one parameter in place; state.step() already counts this update (1 on the first). */
    protected abstract void update(ParamGroup group, NDArray param, NDArray grad, State state);

    /** The buffers every stepped parameter holds, e.g. exp_avg and exp_avg_sq. Names contain no dot. */
    protected abstract List<String> bufferNames();

    /** The optimizer-wide hyper-parameters as metadata strings (lr and weight decay live in the groups). */
    protected abstract Map<String, String> hyperParameters();

    // ---- training ----------------------------------------------------------------------------------

    /** One update of every parameter that has a gradient; parameters without one are skipped, as in PyTorch. */
    public final void step() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.params()) {
                NDArray grad = p.tensor().grad();
                if (grad == null) continue;
                NDArray value = p.tensor().value();
                if (!Arrays.equals(grad.shape(), value.shape())) {
                    throw new IllegalStateException(kind + ": gradient of '" + p.name() + "' has shape "
                            + Shape.str(grad.shape()) + " but the parameter has shape " + Shape.str(value.shape()));
                }
                // the message is only built on a mismatch: this loop runs for every parameter every step
                if (!value.device().equals(grad.device())) value.sameDevice(grad, kind + " step of '" + p.name() + "'");
                State s = state.computeIfAbsent(p.name(), k -> new State());
                s.step++;
                update(group, value, grad, s);
            }
        }
    }

    /** Drops every parameter's gradient (PyTorch's default set_to_none). */
    public final void zeroGrad() {
        for (Parameter p : byName.values()) p.tensor().zeroGrad();
    }

    /** Sets each group's learning rate to lr times the group's lr scale (what a schedule calls each step). */
    public final void setLr(double lr) {
        if (!(lr >= 0 && Double.isFinite(lr))) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        for (ParamGroup g : groups) g.setLr(lr * g.lrScale());
    }

    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** "AdamW", "SGD", ...: written to checkpoints and checked when loading. */
    public final String kind() {
        return kind;
    }

    /** Updates done so far for a parameter (0 before its first step). */
    public final long stepCount(String paramName) {
        requireKnown(paramName);
        State s = state.get(paramName);
        return s == null ? 0 : s.step;
    }

    /** A parameter's buffer (exp_avg, momentum_buffer, ...), or null before its first step. */
    public final NDArray buffer(String bufferName, String paramName) {
        requireKnown(paramName);
        State s = state.get(paramName);
        return s == null ? null : s.buffers.get(bufferName);
    }

    private void requireKnown(String paramName) {
        if (!byName.containsKey(paramName)) {
            throw new IllegalArgumentException(kind + " has no parameter '" + paramName + "'; it has " + byName.keySet());
        }
    }

    // ---- checkpoints -------------------------------------------------------------------------------

    /**
     * The state for a checkpoint. The tensors are the live buffers, not copies: write them out before the
     * next step.
     */
    public final OptimizerState stateDict() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KIND_KEY, kind);
        meta.putAll(hyperParameters());
        meta.put(GROUPS_KEY, groupsJson());
        for (String name : byName.keySet()) {
            State s = state.get(name);
            if (s == null) continue;
            meta.put(STEP_PREFIX + name, Long.toString(s.step));
            for (var b : s.buffers.entrySet()) tensors.put(b.getKey() + "." + name, b.getValue());
        }
        return new OptimizerState(tensors, meta);
    }

    private String groupsJson() {
        ArrayNode arr = JSON.createArrayNode();
        for (ParamGroup g : groups) {
            ObjectNode o = arr.addObject();
            o.put("lr", g.lr());
            o.put("weight_decay", g.weightDecay());
            o.put("lr_scale", g.lrScale());
            ArrayNode names = o.putArray("params");
            for (Parameter p : g.params()) names.add(p.name());
        }
        return arr.toString();
    }

    /**
     * Replaces this optimizer's state (buffers are copied to each parameter's device) and restores each
     * group's learning rate and weight decay. Everything is checked before anything changes: the kind of
     * optimizer, its hyper-parameters, the group layout, and then the tensors, with every missing,
     * unexpected and mis-shaped key listed in one message.
     */
    public final void loadStateDict(OptimizerState saved) {
        List<double[]> groupValues = validate(saved);
        state.clear();
        for (var e : saved.metadata().entrySet()) {
            if (!e.getKey().startsWith(STEP_PREFIX)) continue;
            String name = e.getKey().substring(STEP_PREFIX.length());
            State s = new State();
            s.step = Long.parseLong(e.getValue());
            NDArray param = byName.get(name).tensor().value();
            for (String b : bufferNames()) {
                NDArray src = saved.tensors().get(b + "." + name);
                NDArray dst = NDArray.empty(DType.FLOAT32, param.device(), param.shape());
                dst.copyFrom(src.to(param.device()));
                s.buffers.put(b, dst);
            }
            state.put(name, s);
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(groupValues.get(i)[0]);
            groups.get(i).setWeightDecay(groupValues.get(i)[1]);
        }
    }

    /**
     * Checks saved state against this optimizer without changing anything, with the errors
     * {@link #loadStateDict} would give (a checkpoint loader runs this before touching the model).
     */
    public final void check(OptimizerState saved) {
        validate(saved);
    }

    /** The checks of {@link #check}; returns each group's saved (lr, weight decay). */
    private List<double[]> validate(OptimizerState saved) {
        Map<String, String> meta = saved.metadata();
        String savedKind = meta.get(KIND_KEY);
        if (!kind.equals(savedKind)) {
            throw new IllegalArgumentException("optimizer state does not fit: it was saved by "
                    + (savedKind == null ? "an unknown optimizer (no '" + KIND_KEY + "' metadata)" : savedKind)
                    + ", this optimizer is " + kind);
        }
        List<String> problems = new ArrayList<>();
        for (var h : hyperParameters().entrySet()) {
            String s = meta.get(h.getKey());
            if (!h.getValue().equals(s)) {
                problems.add(h.getKey() + " is " + h.getValue() + " here but " + (s == null ? "absent" : s) + " in the saved state");
            }
        }
        List<double[]> groupValues = checkGroups(meta.get(GROUPS_KEY), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not fit this " + kind + ":\n  "
                    + String.join("\n  ", problems));
        }

        List<String> missing = new ArrayList<>(), misShaped = new ArrayList<>(), badSteps = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(saved.tensors().keySet());
        for (var e : meta.entrySet()) {
            if (!e.getKey().startsWith(STEP_PREFIX)) continue;
            String name = e.getKey().substring(STEP_PREFIX.length());
            Parameter p = byName.get(name);
            if (p == null) {
                unexpected.add(e.getKey());
                continue;
            }
            try {
                if (Long.parseLong(e.getValue()) < 1) badSteps.add(e.getKey() + "=" + e.getValue());
            } catch (NumberFormatException ex) {
                badSteps.add(e.getKey() + "=" + e.getValue());
            }
            for (String b : bufferNames()) {
                String key = b + "." + name;
                NDArray t = saved.tensors().get(key);
                unexpected.remove(key);
                if (t == null) {
                    missing.add(key);
                } else if (t.dtype() != DType.FLOAT32 || !Arrays.equals(t.shape(), p.tensor().shape())) {
                    misShaped.add(key + " (saved " + Shape.str(t.shape()) + " " + t.dtype() + ", parameter "
                            + Shape.str(p.tensor().shape()) + ")");
                }
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty() || !badSteps.isEmpty()) {
            StringBuilder msg = new StringBuilder("optimizer state does not fit this " + kind + ":");
            if (!missing.isEmpty()) msg.append("\n  missing keys: ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) msg.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            if (!misShaped.isEmpty()) msg.append("\n  mis-shaped keys: ").append(String.join(", ", misShaped));
            if (!badSteps.isEmpty()) msg.append("\n  bad step counts: ").append(String.join(", ", badSteps));
            throw new IllegalArgumentException(msg.toString());
        }
        return groupValues;
    }

    private List<double[]> checkGroups(String json, List<String> problems) {
        List<double[]> values = new ArrayList<>();
        if (json == null) {
            problems.add("the saved state has no '" + GROUPS_KEY + "' metadata");
            return values;
        }
        JsonNode arr;
        try {
            arr = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            problems.add("'" + GROUPS_KEY + "' metadata is not valid JSON: " + e.getOriginalMessage());
            return values;
        }
        if (arr == null || !arr.isArray()) {
            problems.add("'" + GROUPS_KEY + "' metadata must be a JSON array");
            return values;
        }
        if (arr.size() != groups.size()) {
            problems.add("the saved state has " + arr.size() + " parameter group(s), this optimizer has " + groups.size());
            return values;
        }
        for (int i = 0; i < groups.size(); i++) {
            JsonNode g = arr.get(i);
            List<String> savedNames = new ArrayList<>();
            for (JsonNode n : g.path("params")) savedNames.add(n.asText());
            List<String> own = groups.get(i).params().stream().map(Parameter::name).toList();
            if (!savedNames.equals(own)) {
                problems.add("parameter group " + i + " holds " + own + " here but " + savedNames + " in the saved state");
            }
            double lr = g.path("lr").asDouble(Double.NaN), wd = g.path("weight_decay").asDouble(Double.NaN);
            if (!(lr >= 0 && Double.isFinite(lr)) || !(wd >= 0 && Double.isFinite(wd))) {
                problems.add("parameter group " + i + " has no valid lr / weight_decay in the saved state");
            }
            double scale = g.path("lr_scale").asDouble(1.0);
            if (scale != groups.get(i).lrScale()) {
                problems.add("parameter group " + i + " has lr_scale " + groups.get(i).lrScale() + " here but "
                        + scale + " in the saved state");
            }
            values.add(new double[] {lr, wd});
        }
        return values;
    }

    /** The parameters by name, in group order. */
    public final Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(byName);
    }

    @Override
    public String toString() {
        return kind + hyperParameters() + groups;
    }
}
