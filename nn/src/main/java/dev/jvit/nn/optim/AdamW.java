package dev.jvit.nn.optim;

import dev.jvit.nn.Module;

import java.util.List;

/**
 * Adam with decoupled weight decay (torch.optim.AdamW): each step first shrinks the parameter by
 * {@code 1 - lr * weight_decay}, then applies the Adam update, so decay does not pass through the
 * adaptive scaling. The usual choice for transformers; weight decay is set per {@link ParamGroup}.
 */
public final class AdamW extends AdamFamily {
    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8);
    }

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
        super("AdamW", groups, lr, beta1, beta2, eps, true);
    }

    /**
     * The timm recipe in one call: weightDecay on the model's weights, none on the parameters marked
     * no-decay (biases, norms, tokens), PyTorch's default betas and eps.
     */
    public AdamW(Module model, double lr, double weightDecay) {
        this(ParamGroup.splitByDecay(model, weightDecay), lr);
    }
}
