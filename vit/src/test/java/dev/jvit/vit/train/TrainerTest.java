package dev.jvit.vit.train;

import dev.jvit.core.Device;
import dev.jvit.nn.io.SafeTensors;
import dev.jvit.vit.cli.JvitCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End-to-end runs of the training loop on a small synthetic MNIST-shaped set (IDX files read by the
 * Fashion-MNIST loader, which checks no hashes): each class is a bright horizontal bar at its own height.
 */
class TrainerTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void writeDataset() throws IOException {
        writeSplit("train", 600, 1);
        writeSplit("t10k", 200, 2);
    }

    private static void writeSplit(String prefix, int n, long seed) throws IOException {
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
    }

    private static byte[] idx(int[] dims, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        out.write(body);
        return b.toByteArray();
    }

    private static TrainOptions options(Path out, int epochs, boolean resume) {
        return options("mnist-tiny", out, epochs, resume);
    }

    private static TrainOptions options(String model, Path out, int epochs, boolean resume) {
        return new TrainOptions(model, "fashion-mnist", data, epochs, 32, 1e-2, 0.01, 0.5, 0f, 1.0,
                Device.CPU, 2, 7, out, resume, 0, 0, 100, true, 0f, 0f, false);
    }

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @Test
    void learnsTheSyntheticTaskAndWritesItsRunFolder(@TempDir Path out) throws IOException {
        Trainer.Result r = new Trainer(options("hybrid-mnist", out, 3, false), QUIET).run();
        assertTrue(r.testAccuracy() > 0.5, "test accuracy " + r.testAccuracy() + " on an easy task");
        assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size() - 1, "one csv row per epoch");
        assertTrue(Files.size(out.resolve("curves.png")) > 1000);
        assertTrue(Files.exists(out.resolve("last.json")));
        RunInfo info = RunInfo.read(out);
        assertEquals("hybrid-mnist", info.model());
        assertEquals(10, info.numClasses());
        assertEquals(28, info.imageSize());
    }

    @Test
    void resumingContinuesExactly(@TempDir Path straight, @TempDir Path split) throws IOException {
        // mnist-small has dropout, so this also checks that the dropout generators resume where they were
        new Trainer(options("mnist-small", straight, 2, false), QUIET).run();
        // stopped in the middle of the first epoch as Ctrl-C would, then resumed
        Trainer.Result stopped = new Trainer(options("mnist-small", split, 2, false), QUIET).stopAtStep(7).run();
        assertTrue(stopped.interrupted());
        new Trainer(options("mnist-small", split, 2, true), QUIET).run();
        Map<String, dev.jvit.core.NDArray> a = loadModel(straight), b = loadModel(split);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k + " differs after resuming");
        }
    }

    private static Map<String, dev.jvit.core.NDArray> loadModel(Path run) throws IOException {
        try (var s = Files.list(run)) {
            Path model = s.filter(p -> p.getFileName().toString().contains(".model-")).findFirst().orElseThrow();
            return SafeTensors.load(model);
        }
    }

    @Test
    void commandLineReportsBadInputInOneLine() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err));
        try {
            assertEquals(2, JvitCli.run("train", "--config", "no-such-model"));
            assertTrue(err.toString().contains("unknown --config 'no-such-model'"), err.toString());
            assertEquals(1, JvitCli.run("train", "--config", "cifar-demo", "--dataset", "fashion-mnist",
                    "--data-dir", data.toString(), "--out", data.resolve("bad").toString(), "--no-progress"));
            assertTrue(err.toString().contains("cifar-demo expects 3x32x32 images"), err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }
}
