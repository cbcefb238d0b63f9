package dev.jvit.nn.optim;

import dev.jvit.core.NDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Adam} and {@link AdamW} share: the moment buffers, bias correction and the call to the
 * backend's fused {@code adamUpdate}. They differ only in where weight decay goes: into the gradient
 * (Adam, L2 regularisation) or straight onto the parameter (AdamW, Loshchilov and Hutter's decoupled decay).
 */
abstract sealed class AdamFamily extends Optimizer permits Adam, AdamW {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private final double beta1, beta2, eps;
    private final boolean decoupled;

    AdamFamily(String kind, List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, boolean decoupled) {
        super(kind, groups, lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException(kind + ": beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException(kind + ": beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0 && Double.isFinite(eps))) throw new IllegalArgumentException(kind + ": eps must be finite and >= 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    @Override
    protected final void update(ParamGroup group, NDArray param, NDArray grad, State state) {
        NDArray m = state.buffer(EXP_AVG, param), v = state.buffer(EXP_AVG_SQ, param);
        param.backend().adamUpdate(param, grad, m, v, group.lr(), beta1, beta2, eps, group.weightDecay(), decoupled,
                state.step());
    }

    @Override
    protected final List<String> bufferNames() {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    protected final Map<String, String> hyperParameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("beta1", Double.toString(beta1));
        h.put("beta2", Double.toString(beta2));
        h.put("eps", Double.toString(eps));
        return h;
    }

    public final double beta1() {
        return beta1;
    }

    public final double beta2() {
        return beta2;
    }

    public final double eps() {
        return eps;
    }
}
