package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.vit.data.Batch;
import dev.jvit.vit.data.ImageDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code jvit predict}: the most likely classes of image files, with their softmax probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG; any size, resized to the model's input) with a trained run.")
final class PredictCommand implements Callable<Integer> {
    private static final int BATCH = 64;

    @Option(names = "--checkpoint", required = true, description = "Run folder written by jvit train, or its last.json.")
    Path checkpoint;

    @Option(names = "--top-k", defaultValue = "3", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws IOException {
        if (topK <= 0) throw new IllegalArgumentException("--top-k must be positive, got " + topK);
        CheckpointModel cm = CheckpointModel.load(checkpoint);
        float[][] probs = probabilities(cm, images);
        String[] names = cm.info().classNames();
        int k = Math.min(topK, names.length);
        for (int i = 0; i < images.size(); i++) {
            StringBuilder line = new StringBuilder(images.get(i).toString()).append(':');
            for (int c : top(probs[i], k)) {
                line.append(String.format(Locale.ROOT, "  %s %.4f", names[c], probs[i][c]));
            }
            System.out.println(line);
        }
        return 0;
    }

    /** Softmax probabilities (images, classes) of each image, normalised as the run's training images were. */
    static float[][] probabilities(CheckpointModel cm, List<Path> files) throws IOException {
        ImageDataset data = cm.readImages(files);
        List<float[]> rows = new ArrayList<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Batch b : cm.loader(data, BATCH, Device.CPU).epoch(0)) {
                Tensor logits = cm.model().layer().forward(Tensor.of(b.images()));
                float[] p = logits.value().softmax().toFloatArray();
                int classes = logits.size(1);
                for (int i = 0; i < b.size(); i++) {
                    float[] row = new float[classes];
                    System.arraycopy(p, i * classes, row, 0, classes);
                    rows.add(row);
                }
            }
        }
        return rows.toArray(float[][]::new);
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    static int[] top(float[] p, int k) {
        return IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
