package dev.jvit.vit.train;

import dev.jvit.core.Device;

import java.nio.file.Path;

/**
 * The settings of one training run, as {@code jvit train} collects them.
 *
 * @param model          preset name (see {@link dev.jvit.vit.model.Models#names()})
 * @param dataset        mnist, fashion-mnist, cifar10 or folder:PATH
 * @param dataDir        where the dataset's files are (null: the cache, fetched on first use for MNIST)
 * @param epochs         passes over the training set
 * @param batchSize      images per step
 * @param lr             peak learning rate
 * @param weightDecay    AdamW decoupled weight decay (norms, biases and tokens excluded)
 * @param warmupEpochs   linear warmup length in epochs (may be fractional), then cosine decay to 0
 * @param labelSmoothing cross-entropy label smoothing
 * @param gradClip       global-norm gradient clipping (0 disables)
 * @param device         where to compute
 * @param threads        CPU worker threads
 * @param seed           seed of initialisation, data order, augmentation and dropout
 * @param outDir         run folder: checkpoints, metrics.csv, curves.png
 * @param resume         continue from outDir's checkpoint
 * @param trainLimit     use only the first N training images (0: all), for quick runs
 * @param testLimit      use only the first N test images (0: all)
 * @param valSize        images held out of the training set for validation (0: validate on the test set)
 * @param augment        random crop (and flip for CIFAR) during training
 * @param mixup          mixup's Beta alpha (0: off)
 * @param cutmix         cutmix's Beta alpha (0: off); with both on, each batch picks one at random
 * @param progress       draw a progress bar
 * @param teacher        run folder (or its last.json) of a trained model to distil from (null: none); the
 *                       model must have a distillation token (DeiT)
 * @param dropPath       stochastic depth rate of the last block, overriding the preset's (null: the preset's)
 * @param randAugmentN   RandAugment operations per image (0: off)
 * @param randAugmentM   RandAugment magnitude, 0..10 as timm
 * @param ema            decay of the model EMA of the weights (0: off), e.g. 0.9998
 */
public record TrainOptions(String model, String dataset, Path dataDir, int epochs, int batchSize, double lr,
                           double weightDecay, double warmupEpochs, float labelSmoothing, double gradClip,
                           Device device, int threads, long seed, Path outDir, boolean resume, int trainLimit,
                           int testLimit, int valSize, boolean augment, float mixup, float cutmix,
                           boolean progress, Path teacher, Float dropPath, int randAugmentN, int randAugmentM,
                           double ema) {

    public TrainOptions {
        if (epochs <= 0) throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (weightDecay < 0) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (warmupEpochs < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmupEpochs);
        if (labelSmoothing < 0 || labelSmoothing >= 1) throw new IllegalArgumentException("--label-smoothing must be in [0, 1)");
        if (threads <= 0) throw new IllegalArgumentException("--threads must be positive, got " + threads);
        if (mixup < 0 || cutmix < 0) throw new IllegalArgumentException("--mixup and --cutmix must be >= 0");
        if (valSize < 0 || trainLimit < 0 || testLimit < 0) throw new IllegalArgumentException("sizes must be >= 0");
        if (dropPath != null && !(dropPath >= 0f && dropPath < 1f)) {
            throw new IllegalArgumentException("--drop-path must be in [0, 1), got " + dropPath);
        }
        if (randAugmentN < 0) throw new IllegalArgumentException("--rand-augment N must be >= 0, got " + randAugmentN);
        if (randAugmentM < 0 || randAugmentM > dev.jvit.vit.data.RandAugment.MAX_MAGNITUDE) {
            throw new IllegalArgumentException("--rand-augment M must be in 0.." + dev.jvit.vit.data.RandAugment.MAX_MAGNITUDE
                    + " (timm's scale), got " + randAugmentM);
        }
        if (ema != 0 && !(ema > 0 && ema < 1)) throw new IllegalArgumentException("--ema decay must be in (0, 1), got " + ema);
    }

    /** The options without the training-recipe extras (no teacher, the preset's drop path, no RandAugment, no EMA). */
    public TrainOptions(String model, String dataset, Path dataDir, int epochs, int batchSize, double lr,
                        double weightDecay, double warmupEpochs, float labelSmoothing, double gradClip,
                        Device device, int threads, long seed, Path outDir, boolean resume, int trainLimit,
                        int testLimit, int valSize, boolean augment, float mixup, float cutmix, boolean progress) {
        this(model, dataset, dataDir, epochs, batchSize, lr, weightDecay, warmupEpochs, labelSmoothing, gradClip,
                device, threads, seed, outDir, resume, trainLimit, testLimit, valSize, augment, mixup, cutmix,
                progress, null, null, 0, 0, 0.0);
    }

    public TrainOptions withTeacher(Path t) {
        return new TrainOptions(model, dataset, dataDir, epochs, batchSize, lr, weightDecay, warmupEpochs,
                labelSmoothing, gradClip, device, threads, seed, outDir, resume, trainLimit, testLimit, valSize,
                augment, mixup, cutmix, progress, t, dropPath, randAugmentN, randAugmentM, ema);
    }

    public TrainOptions withDropPath(Float rate) {
        return new TrainOptions(model, dataset, dataDir, epochs, batchSize, lr, weightDecay, warmupEpochs,
                labelSmoothing, gradClip, device, threads, seed, outDir, resume, trainLimit, testLimit, valSize,
                augment, mixup, cutmix, progress, teacher, rate, randAugmentN, randAugmentM, ema);
    }

    public TrainOptions withRandAugment(int n, int m) {
        return new TrainOptions(model, dataset, dataDir, epochs, batchSize, lr, weightDecay, warmupEpochs,
                labelSmoothing, gradClip, device, threads, seed, outDir, resume, trainLimit, testLimit, valSize,
                augment, mixup, cutmix, progress, teacher, dropPath, n, m, ema);
    }

    public TrainOptions withEma(double decay) {
        return new TrainOptions(model, dataset, dataDir, epochs, batchSize, lr, weightDecay, warmupEpochs,
                labelSmoothing, gradClip, device, threads, seed, outDir, resume, trainLimit, testLimit, valSize,
                augment, mixup, cutmix, progress, teacher, dropPath, randAugmentN, randAugmentM, decay);
    }
}
