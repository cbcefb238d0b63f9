package dev.jvit.nn.optim;

import dev.jvit.core.NDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
 * exactly as torch.optim.SGD: the momentum buffer starts as a copy of the first (decayed) gradient, and
 * dampening applies from the second step on.
 */
public final class SGD extends Optimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final double momentum, dampening;
    private final boolean nesterov;

    /** Plain SGD: no momentum. */
    public SGD(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0, 0, false);
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, boolean nesterov) {
        super("SGD", groups, lr);
        if (!(momentum >= 0 && Double.isFinite(momentum))) throw new IllegalArgumentException("SGD: momentum must be finite and >= 0, got " + momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("SGD: dampening must be in [0, 1], got " + dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum "
                    + momentum + ", dampening " + dampening + ")");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(ParamGroup group, NDArray param, NDArray grad, State state) {
        NDArray buf = null;
        boolean first = false;
        if (momentum != 0) {
            first = !state.has(MOMENTUM_BUFFER);
            buf = state.buffer(MOMENTUM_BUFFER, param);
        }
        param.backend().sgdUpdate(param, grad, buf, group.lr(), momentum, dampening, nesterov, group.weightDecay(), first);
    }

    @Override
    protected List<String> bufferNames() {
        return momentum == 0 ? List.of() : List.of(MOMENTUM_BUFFER);
    }

    @Override
    protected Map<String, String> hyperParameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("momentum", Double.toString(momentum));
        h.put("dampening", Double.toString(dampening));
        h.put("nesterov", Boolean.toString(nesterov));
        return h;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }
}
