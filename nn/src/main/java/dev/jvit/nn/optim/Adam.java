package dev.jvit.nn.optim;

import java.util.List;

/**
 * Adam (torch.optim.Adam): per-parameter step sizes from bias-corrected first and second moment
 * estimates. Weight decay here is classic L2 regularisation, added to the gradient before the moments; for
 * decay that bypasses the adaptive scaling use {@link AdamW}.
 */
public final class Adam extends AdamFamily {
    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public Adam(List<ParamGroup> groups, double lr) {
        this(groups, lr, 0.9, 0.999, 1e-8);
    }

    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
        super("Adam", groups, lr, beta1, beta2, eps, false);
    }
}
