package dev.jvit.vit.cli;

import dev.jvit.core.Device;
import dev.jvit.core.backend.Backends;
import dev.jvit.vit.data.RandAugment;
import dev.jvit.vit.model.Models;
import dev.jvit.vit.train.Recipe;
import dev.jvit.vit.train.TrainOptions;
import dev.jvit.vit.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jvit train}: trains a model and prints its test accuracy last. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a Vision Transformer (default: mnist-small on MNIST, fetched on first use).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "mnist-small",
            completionCandidates = Presets.class,
            description = "Model preset: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--dataset", defaultValue = "mnist",
            description = "mnist, fashion-mnist, cifar10 or folder:PATH (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", description = "Folder with the dataset's files (default: the cache; MNIST is fetched there).")
    Path dataDir;

    @Option(names = "--epochs", description = "Epochs (default: the preset's recipe, e.g. 5 for mnist-small).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Images per step (default: the preset's recipe: 64 for mnist-small, else 128).")
    Integer batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default: the preset's recipe).")
    Double lr;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: the preset's recipe).")
    Double weightDecay;

    @Option(names = "--warmup", description = "Warmup epochs before cosine decay (default: the preset's recipe).")
    Double warmup;

    @Option(names = "--label-smoothing", defaultValue = "0",
            description = "Label smoothing; with mixup/cutmix it smooths the mixed targets, as timm (default: ${DEFAULT-VALUE}).")
    float labelSmoothing;

    @Option(names = "--grad-clip", defaultValue = "1.0", description = "Global gradient-norm clip, 0 for none (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Run folder for checkpoints, metrics.csv and curves.png (default: runs/CONFIG).")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint in the run folder.")
    boolean resume;

    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0: all).")
    int trainLimit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Use only the first N test images (0: all).")
    int testLimit;

    @Option(names = "--val-size", defaultValue = "0",
            description = "Hold out the last N training images for validation (0: validate on the test set).")
    int valSize;

    @Option(names = "--augment", negatable = true, description = "Random crops (and flips for CIFAR); --no-augment turns them off (default: the preset's recipe).")
    Boolean augment;

    @Option(names = "--mixup", defaultValue = "0", description = "Mixup alpha, 0 for none (default: ${DEFAULT-VALUE}).")
    float mixup;

    @Option(names = "--cutmix", defaultValue = "0", description = "Cutmix alpha, 0 for none (default: ${DEFAULT-VALUE}).")
    float cutmix;

    @Option(names = "--teacher", paramLabel = "RUN",
            description = "DeiT hard-label distillation: a run folder of jvit train (or its last.json) whose predictions "
                    + "train the distillation head; the model needs a distillation token (e.g. deit-mnist).")
    Path teacher;

    @Option(names = "--drop-path", paramLabel = "RATE",
            description = "Stochastic depth rate of the last block, rising linearly from 0 at the first (default: the preset's).")
    Float dropPath;

    @Option(names = "--rand-augment", paramLabel = "N,M",
            description = "RandAugment: N random ops per image at magnitude M of 0..10 (timm's rand-mM-nN), e.g. 2,9 (default: off).")
    String randAugment;

    @Option(names = "--ema", paramLabel = "DECAY",
            description = "Keep an exponential moving average of the weights with this decay (e.g. 0.9998), evaluated "
                    + "each epoch beside the model and saved in the checkpoint (default: off).")
    Double ema;

    @Option(names = "--no-progress", negatable = false, description = "No progress bar (one line per epoch only).")
    boolean noProgress;

    /** The registry's preset names, for the help text. */
    static final class Presets implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Models.names().iterator();
        }
    }

    private static <T> T or(T given, T recipe) {
        return given != null ? given : recipe;
    }

    @Override
    public Integer call() throws Exception {
        if (!Models.names().contains(config)) {
            System.err.println("jvit train: unknown --config '" + config + "' (known: " + String.join(", ", Models.names()) + ")");
            return 2;
        }
        Device dev = Device.parse(device);
        String reason = Backends.unavailableReason(dev);
        if (reason != null) {
            System.err.println("jvit train: device " + dev + " is unavailable: " + reason);
            return 2;
        }
        int[] ra = randAugment != null ? RandAugment.parse(randAugment) : new int[] {0, 0};
        Recipe r = Recipe.forModel(config);
        TrainOptions o = new TrainOptions(config, dataset, dataDir, or(epochs, r.epochs()), or(batchSize, r.batchSize()), or(lr, r.lr()),
                or(weightDecay, r.weightDecay()), or(warmup, r.warmupEpochs()), labelSmoothing, gradClip, dev,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), seed,
                out != null ? out : Path.of("runs", config), resume, trainLimit, testLimit, valSize,
                or(augment, r.augment()), mixup, cutmix, !noProgress, teacher, dropPath, ra[0], ra[1],
                ema != null ? ema : 0.0);
        new Trainer(o, System.out).run();
        return 0;
    }
}
