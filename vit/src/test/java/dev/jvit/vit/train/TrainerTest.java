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
import java.util.List;
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

    /** deit-mnist on a few images with every recipe option on: distillation, EMA, RandAugment, drop path, mixup. */
    private static TrainOptions recipe(Path out, Path teacher, boolean resume) {
        return new TrainOptions("deit-mnist", "fashion-mnist", data, 2, 32, 1e-2, 0.01, 0.5, 0.1f, 1.0,
                Device.CPU, 2, 7, out, resume, 260, 60, 100, true, 0.4f, 0.4f, false)
                .withTeacher(teacher).withEma(0.9).withRandAugment(2, 9).withDropPath(0.1f);
    }

    private static Path teacherRun(Path dir) throws IOException {
        new Trainer(options("hybrid-mnist", dir, 1, false), QUIET).run();
        return dir;
    }

    @Test
    void recipeOptionsResumeExactlyIncludingTheEma(@TempDir Path teacherDir, @TempDir Path straight, @TempDir Path split)
            throws IOException {
        Path teacher = teacherRun(teacherDir);
        Trainer.Result full = new Trainer(recipe(straight, teacher, false), QUIET).run();
        assertFalse(Double.isNaN(full.emaTestAccuracy()), "the EMA is evaluated on the test set");
        Trainer.Result stopped = new Trainer(recipe(split, teacher, false), QUIET).stopAtStep(5).run();
        assertTrue(stopped.interrupted());
        Trainer.Result resumed = new Trainer(recipe(split, teacher, true), QUIET).run();
        assertEquals(full.testAccuracy(), resumed.testAccuracy());
        assertEquals(full.emaTestAccuracy(), resumed.emaTestAccuracy());
        for (String kind : new String[] {".model-", ".ema-"}) {
            Map<String, dev.jvit.core.NDArray> a = load(straight, kind), b = load(split, kind);
            assertEquals(a.keySet(), b.keySet());
            assertTrue(a.containsKey("dist_token") && a.containsKey("head_dist.weight"), a.keySet().toString());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, kind + k + " differs after resuming");
            }
        }
        // the average trails the weights: equal would mean the EMA was never updated or is the model itself
        assertFalse(java.util.Arrays.equals(load(straight, ".model-").get("head.weight").toFloatArray(),
                load(straight, ".ema-").get("head.weight").toFloatArray()));
        List<String> csv = Files.readAllLines(straight.resolve("metrics.csv"));
        assertTrue(csv.get(0).endsWith(",ema_val_acc") && !csv.get(1).endsWith(","), csv.toString());
        // resuming with --ema from a checkpoint without one is refused
        Path plain = straight.resolveSibling(straight.getFileName() + "-plain");
        new Trainer(recipe(plain, teacher, false).withEma(0), QUIET).stopAtStep(2).run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(recipe(plain, teacher, true), QUIET).run());
        assertTrue(e.getMessage().contains("holds no EMA weights"), e.getMessage());
    }

    @Test
    void teacherAndDropPathErrorsNameTheProblem(@TempDir Path teacherDir, @TempDir Path out) throws IOException {
        Path teacher = teacherRun(teacherDir);
        String missing = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                recipe(out, out.resolve("no-such-run"), false), QUIET).run()).getMessage();
        assertTrue(missing.startsWith("--teacher ") && missing.contains("no-such-run"), missing);
        String noToken = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                options("mnist-tiny", out, 1, false).withTeacher(teacher), QUIET).run()).getMessage();
        assertTrue(noToken.contains("distillation token") && noToken.contains("mnist-tiny"), noToken);

        // a run with other classes, and one with other images, saved without training
        Path fiveClasses = Files.createDirectories(out.resolve("five"));
        new RunInfo("mnist-tiny", "x", new String[] {"a", "b", "c", "d", "e"}, 1, 28, new float[] {0.5f},
                new float[] {0.5f}, 1).write(fiveClasses);
        dev.jvit.nn.io.Checkpoint.save(fiveClasses.resolve("last.json"),
                dev.jvit.vit.model.Models.create("mnist-tiny", 5, new dev.jvit.core.Generator(1)).module(), null,
                new dev.jvit.nn.io.Checkpoint.Progress(0, 0, Double.NaN, Map.of()));
        String classes = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                recipe(out.resolve("s1"), fiveClasses, false), QUIET).run()).getMessage();
        assertTrue(classes.contains("has 5 classes"), classes);
        Path cifar = Files.createDirectories(out.resolve("cifar"));
        new RunInfo("cifar-demo", "cifar10", new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, 3, 32,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, 1).write(cifar);
        dev.jvit.nn.io.Checkpoint.save(cifar.resolve("last.json"),
                dev.jvit.vit.model.Models.create("cifar-demo", 10, new dev.jvit.core.Generator(1)).module(), null,
                new dev.jvit.nn.io.Checkpoint.Progress(0, 0, Double.NaN, Map.of()));
        String size = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                recipe(out.resolve("s2"), cifar, false), QUIET).run()).getMessage();
        assertTrue(size.contains("takes 3x32x32 images, the student 1x28x28"), size);

        String dropPath = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                options("hybrid-mnist", out.resolve("s3"), 1, false).withDropPath(0.1f), QUIET).run()).getMessage();
        assertTrue(dropPath.contains("hybrid-mnist has no stochastic depth"), dropPath);
    }

    @Test
    void dropPathOverridesThePresetsRateLinearlyPerBlock() {
        var spec = dev.jvit.vit.model.Models.spec("mnist-small").withDropPath(0.3f);
        var m = (dev.jvit.vit.model.VisionTransformer) spec.create(10, new dev.jvit.core.Generator(1)).module();
        List<Float> rates = new java.util.ArrayList<>();
        for (var b : m.blocks()) rates.add(((dev.jvit.nn.layers.DropPath) b.children().get("drop_path1")).p());
        assertEquals(List.of(0f, 0.06f, 0.12f, 0.18f, 0.24f, 0.3f), rates.stream().map(r -> Math.round(r * 100) / 100f).toList());
    }

    private static Map<String, dev.jvit.core.NDArray> load(Path run, String kind) throws IOException {
        try (var s = Files.list(run)) {
            Path f = s.filter(p -> p.getFileName().toString().contains(kind)).findFirst().orElseThrow();
            return SafeTensors.load(f);
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
            assertEquals(1, JvitCli.run("train", "--rand-augment", "2", "--out", data.resolve("bad").toString()));
            assertTrue(err.toString().contains("--rand-augment takes N,M"), err.toString());
            assertEquals(1, JvitCli.run("train", "--ema", "1.5", "--out", data.resolve("bad").toString()));
            assertTrue(err.toString().contains("--ema decay must be in (0, 1)"), err.toString());
            assertEquals(1, JvitCli.run("train", "--drop-path", "1", "--out", data.resolve("bad").toString()));
            assertTrue(err.toString().contains("--drop-path must be in [0, 1)"), err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }
}
