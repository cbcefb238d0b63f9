package dev.jvit.nn.optim;

import dev.jvit.nn.Module;
import dev.jvit.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of parameters an optimizer treats alike, after PyTorch's {@code param_groups}: each group has its own
 * weight decay, its own learning rate, and an lr scale (timm's {@code lr_scale}) that a schedule's
 * {@link Optimizer#setLr} multiplies in, so one schedule can drive groups with different learning rates.
 * A group belongs to one optimizer, which sets its learning rate when it is built and on every
 * {@link Optimizer#setLr} call.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private final double lrScale;
    private double weightDecay;
    private double lr = Double.NaN;

    /** A group with lr scale 1. */
    public ParamGroup(List<Parameter> params, double weightDecay) {
        this(params, weightDecay, 1.0);
    }

    public ParamGroup(List<Parameter> params, double weightDecay, double lrScale) {
        this.params = List.copyOf(params);
        if (!(lrScale >= 0 && Double.isFinite(lrScale))) {
            throw new IllegalArgumentException("lr scale must be finite and >= 0, got " + lrScale);
        }
        this.lrScale = lrScale;
        setWeightDecay(weightDecay);
    }

    /**
     * timm's {@code param_groups_weight_decay}: the parameters marked {@link Parameter#decay()} get
     * weightDecay, the others (biases, norm weights, tokens, position embeddings) get none. Groups that would
     * be empty are left out, so the result has one or two groups, no-decay first as in timm.
     */
    public static List<ParamGroup> splitByDecay(Module model, double weightDecay) {
        List<Parameter> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Parameter p : model.namedParameters()) (p.decay() ? decay : noDecay).add(p);
        List<ParamGroup> groups = new ArrayList<>();
        if (!noDecay.isEmpty()) groups.add(new ParamGroup(noDecay, 0.0));
        if (!decay.isEmpty()) groups.add(new ParamGroup(decay, weightDecay));
        if (groups.isEmpty()) throw new IllegalArgumentException(model.getClass().getSimpleName() + " has no parameters");
        return groups;
    }

    /** Every parameter of a model in one group with the given weight decay. */
    public static List<ParamGroup> all(Module model, double weightDecay) {
        return List.of(new ParamGroup(model.namedParameters(), weightDecay));
    }

    public List<Parameter> params() {
        return params;
    }

    /** The learning rate the next step uses (NaN until an optimizer owns the group). */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0 && Double.isFinite(lr))) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    public double lrScale() {
        return lrScale;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Weight decay may change during training (some recipes schedule it). */
    public void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, lr=" + lr + ", weight_decay=" + weightDecay
                + (lrScale != 1.0 ? ", lr_scale=" + lrScale : "") + ")";
    }
}
