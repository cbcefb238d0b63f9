package dev.jvit.nn.functional;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The average over the counted elements (for cross-entropy: the rows not ignored). */
    MEAN,
    SUM,
    /** No reduction: one value per element (per row for cross-entropy). */
    NONE
}
