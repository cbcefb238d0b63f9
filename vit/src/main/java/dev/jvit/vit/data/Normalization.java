package dev.jvit.vit.data;

/**
 * Per-channel normalisation {@code (pixel/255 - mean[c]) / std[c]}, with the usual statistics of each dataset.
 */
public record Normalization(float[] mean, float[] std) {
    public static final Normalization MNIST = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
    public static final Normalization CIFAR10 = new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f},
            new float[] {0.2470f, 0.2435f, 0.2616f});

    public Normalization {
        if (mean.length != std.length) throw new IllegalArgumentException("mean and std differ in length");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
    }

    /** Mean 0.5 and std 0.5 for every channel: maps [0, 255] to [-1, 1]. */
    public static Normalization half(int channels) {
        float[] h = new float[channels];
        java.util.Arrays.fill(h, 0.5f);
        return new Normalization(h, h.clone());
    }

    /** The statistics that fit a dataset by name, or [-1, 1] scaling when unknown. */
    public static Normalization forDataset(ImageDataset d) {
        if (d.name().startsWith("mnist")) return MNIST;
        if (d.name().startsWith("fashion")) return FASHION_MNIST;
        if (d.name().startsWith("cifar10")) return CIFAR10;
        return half(d.channels());
    }
}
