package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.backend.Backends;
import dev.jvit.vit.data.Batch;
import dev.jvit.vit.data.BatchLoader;
import dev.jvit.vit.data.DataSplits;
import dev.jvit.vit.data.ImageDataset;
import dev.jvit.vit.viz.ConfusionMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jvit eval}: a trained run's test accuracy, confusion matrix and per-class accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained run on a test set: accuracy, confusion matrix, per-class accuracy.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "Run folder written by jvit train, or its last.json.")
    Path checkpoint;

    @Option(names = "--dataset", description = "mnist, fashion-mnist, cifar10 or folder:PATH (default: the run's dataset).")
    String dataset;

    @Option(names = "--data-dir", description = "Folder with the dataset's files (default: the cache).")
    Path dataDir;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N test images (0: all).")
    int limit;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws IOException {
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        if (batchSize <= 0) throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        Device dev = Device.parse(device);
        String reason = Backends.unavailableReason(dev);
        if (reason != null) throw new IllegalArgumentException("device " + dev + " is unavailable: " + reason);
        CheckpointModel cm = CheckpointModel.load(checkpoint);
        String name = dataset != null ? dataset : cm.info().dataset();
        PrintStream out = System.out;
        ImageDataset test = DataSplits.load(name, dataDir, 0, 1, limit, cm.info().imageSize(), cm.info().channels(), out).test();
        ConfusionMatrix cmx = evaluate(cm, test, batchSize, dev);
        out.printf(Locale.ROOT, "model %s from %s; %s: %d test images%n", cm.info().model(), cm.checkpoint(),
                test.name(), test.size());
        out.printf(Locale.ROOT, "test accuracy: %.2f%% (%d/%d)%n%n", 100 * cmx.accuracy(), cmx.correct(), cmx.total());
        out.print(cmx.format());
        return 0;
    }

    /** Predicts every image of test (in eval mode, without a graph) and counts (true, predicted) pairs. */
    static ConfusionMatrix evaluate(CheckpointModel cm, ImageDataset test, int batchSize, Device device) {
        int c = cm.info().channels(), s = cm.info().imageSize();
        if (test.channels() != c || test.height() != s || test.width() != s) {
            throw new IllegalArgumentException(cm.info().model() + " takes " + c + "x" + s + "x" + s + " images but "
                    + test.name() + " has " + test.channels() + "x" + test.height() + "x" + test.width());
        }
        if (test.numClasses() != cm.info().numClasses()) {
            throw new IllegalArgumentException("the run has " + cm.info().numClasses() + " classes "
                    + Arrays.toString(cm.info().classNames()) + " but " + test.name() + " has " + test.numClasses());
        }
        cm.model().module().to(device);
        BatchLoader loader = cm.loader(test, batchSize, device);
        ConfusionMatrix cmx = new ConfusionMatrix(cm.info().classNames());
        try (NoGrad ignored = NoGrad.enter()) {
            for (Batch b : loader.epoch(0)) {
                int[] predicted = cm.model().layer().forward(Tensor.of(b.images())).value().argmax(1).toIntArray();
                int[] labels = b.labels().toIntArray();
                for (int i = 0; i < labels.length; i++) cmx.add(labels[i], predicted[i]);
            }
        }
        return cmx;
    }
}
