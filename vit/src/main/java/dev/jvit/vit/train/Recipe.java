package dev.jvit.vit.train;

import dev.jvit.vit.model.Models;

/**
 * The default training hyper-parameters of each preset: what {@code jvit train --config NAME} uses for every
 * option not given. Tiny models want a larger learning rate and no weight decay; the course's hybrid model is
 * trained as the course does (Adam at 1e-3, no augmentation).
 *
 * @param epochs       passes over the training set
 * @param lr           peak learning rate
 * @param weightDecay  AdamW weight decay
 * @param warmupEpochs warmup before cosine decay
 * @param augment      random crops (and flips for CIFAR)
 */
public record Recipe(int epochs, double lr, double weightDecay, double warmupEpochs, boolean augment) {

    public static Recipe forModel(String model) {
        return switch (model) {
            case "mnist-tiny" -> new Recipe(5, 5e-3, 0.0, 0.5, false);
            case "mnist-small" -> new Recipe(4, 2e-3, 0.05, 0.5, true);
            case "cifar-demo" -> new Recipe(20, 1e-3, 0.05, 1, true);
            case Models.HYBRID_MNIST -> new Recipe(5, 1e-3, 0.0, 0.1, false);
            case "deit-mnist" -> new Recipe(5, 2e-3, 0.05, 0.3, true);
            case "swin-mnist" -> new Recipe(3, 2e-3, 0.05, 0.5, false);
            case "hybrid-vit-mnist" -> new Recipe(2, 2e-3, 0.05, 0.2, false);
            case "conv-attn-mnist" -> new Recipe(2, 3e-3, 0.05, 0.2, false);
            case "mixer-mnist" -> new Recipe(5, 2e-3, 0.05, 0.3, true);
            default -> new Recipe(10, 1e-3, 0.05, 1, true);
        };
    }
}
