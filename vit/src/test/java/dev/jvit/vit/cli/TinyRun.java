package dev.jvit.vit.cli;

import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.nn.io.Checkpoint;
import dev.jvit.vit.data.Normalization;
import dev.jvit.vit.model.HybridMnist;
import dev.jvit.vit.train.RunInfo;
import dev.jvit.vit.train.TrainOptions;
import dev.jvit.vit.train.Trainer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One small run folder written by the real training loop, shared by the command tests of this package (made
 * once per JVM): mnist-tiny, two steps on a synthetic MNIST-shaped set where each class is a bright bar at its own
 * height, as in TrainerTest. Its accuracy is near chance; what matters is that the commands read what jvit train
 * writes and agree with it. Plus a hybrid-mnist run folder (not a ViT) saved without training.
 */
final class TinyRun {
    static final int TRAIN = 64, TEST = 50;
    private static TinyRun instance;

    final Path root, data, run, hybridRun;
    /** What the training loop reported for the run. */
    final Trainer.Result result;
    /** The test split's pixels (TEST x 784) and labels, as written to the IDX files. */
    final byte[] testPixels;
    final byte[] testLabels;

    private TinyRun() throws IOException {
        root = Files.createTempDirectory("jvit-cli-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
        data = Files.createDirectories(root.resolve("data"));
        writeSplit("train", TRAIN, 1, null);
        byte[][] test = new byte[2][];
        writeSplit("t10k", TEST, 2, test);
        testPixels = test[0];
        testLabels = test[1];

        run = root.resolve("run");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        result = new Trainer(new TrainOptions("mnist-tiny", "fashion-mnist", data, 1, 32, 1e-2, 0.01, 0.5, 0f, 1.0,
                Device.CPU, 2, 7, run, false, 0, 0, 0, false, 0f, 0f, false), quiet).run();

        hybridRun = Files.createDirectories(root.resolve("hybrid"));
        Checkpoint.save(hybridRun.resolve("last.json"), new HybridMnist(new Generator(1)), null,
                new Checkpoint.Progress(0, 0, Double.NaN, Map.of()));
        String[] digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        new RunInfo("hybrid-mnist", "fashion-mnist", digits, 1, 28, Normalization.FASHION_MNIST.mean(),
                Normalization.FASHION_MNIST.std(), 1).write(hybridRun);
    }

    static synchronized TinyRun get() {
        if (instance == null) {
            try {
                instance = new TinyRun();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private void writeSplit(String prefix, int n, long seed, byte[][] keep) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        byte[] px = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) r.nextInt(40);
            int row = 2 + label * 2 + r.nextInt(2);
            for (int x = 4; x < 24; x++) px[i * 784 + row * 28 + x] = (byte) 250;
        }
        Files.write(data.resolve(prefix + "-images-idx3-ubyte"), idx(new int[] {n, 28, 28}, px));
        Files.write(data.resolve(prefix + "-labels-idx1-ubyte"), idx(new int[] {n}, labels));
        if (keep != null) {
            keep[0] = px;
            keep[1] = labels;
        }
    }

    private static byte[] idx(int[] dims, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        out.write(body);
        return b.toByteArray();
    }

    /** Test image i as a grey PNG of its own size (scale 1) or enlarged (scale > 1), in dir. */
    Path testImagePng(int i, int scale, Path dir) throws IOException {
        BufferedImage img = new BufferedImage(28 * scale, 28 * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28 * scale; y++) {
            for (int x = 0; x < 28 * scale; x++) {
                int v = testPixels[i * 784 + (y / scale) * 28 + x / scale] & 0xff;
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        Path f = dir.resolve("test" + i + "x" + scale + ".png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    /** Runs the command line with stdout and stderr captured: {exit code, out, err}. */
    static Captured cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = JvitCli.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Captured(code, out.toString(), err.toString());
    }

    record Captured(int code, String out, String err) {}
}
