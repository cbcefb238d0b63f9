package dev.jvit.nn.init;

/**
 * The activation that follows a layer, which sets the gain of the Xavier and Kaiming initialisers
 * (PyTorch's {@code calculate_gain}): the factor that keeps the variance of activations steady through
 * that nonlinearity.
 */
public enum Nonlinearity {
    /** Linear layers and convolutions with nothing after them: gain 1. */
    LINEAR,
    SIGMOID,
    /** gain 5/3. */
    TANH,
    /** gain sqrt(2): relu halves the variance. */
    RELU,
    /** gain sqrt(2 / (1 + slope^2)) for negative slope slope. */
    LEAKY_RELU;

    /** The gain; param is the negative slope for LEAKY_RELU and ignored otherwise. */
    public double gain(double param) {
        return switch (this) {
            case LINEAR, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1.0 + param * param));
        };
    }
}
