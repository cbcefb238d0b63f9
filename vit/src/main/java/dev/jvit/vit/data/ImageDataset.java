package dev.jvit.vit.data;

import java.util.Arrays;

/**
 * A labelled image set held in memory as uint8 pixels, the way MNIST and CIFAR ship them: image i occupies
 * {@code pixels[i*C*H*W .. (i+1)*C*H*W)} in channel-major (C, H, W) order. Conversion to float, normalisation
 * and augmentation happen later, per batch, in the loader.
 *
 * @param name       for messages, e.g. "mnist/train"
 * @param channels   C (1 for MNIST, 3 for CIFAR)
 * @param height     H
 * @param width      W
 * @param numClasses number of label values; every label is in [0, numClasses)
 * @param classNames one name per class (e.g. "0".."9", or CIFAR's "airplane", ...)
 * @param pixels     N*C*H*W bytes, read as unsigned
 * @param labels     N labels
 */
public record ImageDataset(String name, int channels, int height, int width, int numClasses,
                           String[] classNames, byte[] pixels, int[] labels) {

    public ImageDataset {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(name + ": bad image size " + channels + "x" + height + "x" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need " + expected
                    + " pixel bytes, got " + pixels.length);
        }
        if (classNames.length != numClasses) {
            throw new IllegalArgumentException(name + ": " + numClasses + " classes but " + classNames.length + " names");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The first n images (all when n >= size()), e.g. for quick runs. */
    public ImageDataset head(int n) {
        if (n >= size()) return this;
        return new ImageDataset(name + "[:" + n + "]", channels, height, width, numClasses, classNames,
                Arrays.copyOf(pixels, n * imageBytes()), Arrays.copyOf(labels, n));
    }

    static String[] digitNames() {
        String[] names = new String[10];
        for (int i = 0; i < 10; i++) names[i] = Integer.toString(i);
        return names;
    }
}
