package dev.jvit.vit.train;

import dev.jvit.vit.model.Models;

/**
 * The default training hyper-parameters of each preset: what {@code jvit train --config NAME} uses for every
 * option not given. Tiny models want a larger learning rate and no weight decay; the course's hybrid model is
 * trained as the course does (Adam at 1e-3, no augmentation).
 *
 * @param epochs       passes over the training set
 * @param batchSize    images per step
 * @param lr           peak learning rate
 * @param weightDecay  AdamW weight decay
 * @param warmupEpochs warmup before cosine decay
 * @param augment      random crops (and flips for CIFAR)
 */
public record Recipe(int epochs, int batchSize, double lr, double weightDecay, double warmupEpochs, boolean augment) {
    private static final int BATCH = 128;

    public static Recipe forModel(String model) {
        return switch (model) {
            case "mnist-tiny" -> new Recipe(5, BATCH, 5e-3, 0.0, 0.5, false);
            // the default of ./jvit train, sized to the 10-minute budget on 2 vCPUs: five epochs, and half-size
            // batches (twice the steps for about the same images/s); crops only pay off in longer runs
            case "mnist-small" -> new Recipe(5, 64, 2e-3, 0.05, 0.5, false);
            case "cifar-demo" -> new Recipe(20, BATCH, 1e-3, 0.05, 1, true);
            case Models.HYBRID_MNIST -> new Recipe(5, BATCH, 1e-3, 0.0, 0.1, false);
            case "deit-mnist" -> new Recipe(5, BATCH, 2e-3, 0.05, 0.3, true);
            case "swin-mnist" -> new Recipe(3, BATCH, 2e-3, 0.05, 0.5, false);
            case "hybrid-vit-mnist" -> new Recipe(2, BATCH, 2e-3, 0.05, 0.2, false);
            case "conv-attn-mnist" -> new Recipe(2, BATCH, 3e-3, 0.05, 0.2, false);
            case "mixer-mnist" -> new Recipe(5, BATCH, 2e-3, 0.05, 0.3, true);
            default -> new Recipe(10, BATCH, 1e-3, 0.05, 1, true);
        };
    }
}
