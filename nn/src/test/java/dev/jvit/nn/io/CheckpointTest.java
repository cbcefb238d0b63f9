package dev.jvit.nn.io;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Module;
import dev.jvit.nn.optim.AdamW;
import dev.jvit.nn.optim.GradClip;
import dev.jvit.nn.optim.ParamGroup;
import dev.jvit.nn.optim.SGD;
import dev.jvit.nn.optim.TestMlp;
import dev.jvit.nn.schedule.LrSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints: resuming gives bitwise the training that never stopped; files are replaced atomically and a
 * failed save leaves the previous checkpoint loadable; loading names whatever does not fit.
 */
class CheckpointTest {
    private static final int TOTAL = 12;
    private static final LrSchedule SCHEDULE = LrSchedule.cosine(0.02, 1e-4, 3, TOTAL);

    @TempDir
    Path dir;

    /** Everything a training run owns: model, optimizer, and the generators for data and dropout. */
    private static final class Run {
        final TestMlp model = new TestMlp(new Generator(7), 6, 16, 3, 0.25f);
        final AdamW optimizer = new AdamW(model, 0.02, 0.05);
        final Generator data = new Generator(100), dropout = new Generator(200);
        long step;

        /** One step of the full loop: fresh data, schedule, backward with dropout, clipping, update. */
        void trainStep() {
            Tensor x = Tensor.randn(data, 8, 6), y = Tensor.randn(data, 8, 3);
            SCHEDULE.apply(optimizer, step);
            optimizer.zeroGrad();
            model.loss(x, y, dropout).backward();
            GradClip.clipGradNorm(model, 0.5);
            optimizer.step();
            step++;
        }

        Checkpoint.Progress progress() {
            return Checkpoint.Progress.of(step / 4, step, 0.5 + step, Map.of("data", data, "dropout", dropout));
        }

        void resumeFrom(Path file) throws IOException {
            Checkpoint.Progress p = Checkpoint.load(file, model, optimizer);
            p.restore("data", data);
            p.restore("dropout", dropout);
            step = p.step();
        }
    }

    private static void assertSameParameters(Module a, Module b) {
        var pa = a.namedParameters();
        var pb = b.namedParameters();
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).tensor().toFloatArray(), y = pb.get(i).tensor().toFloatArray();
            for (int j = 0; j < x.length; j++) {
                assertEquals(Float.floatToRawIntBits(x[j]), Float.floatToRawIntBits(y[j]),
                        pa.get(i).name() + "[" + j + "] differs: " + x[j] + " vs " + y[j]);
            }
        }
    }

    @Test
    void resumingContinuesBitwiseExactly() throws IOException {
        Run straight = new Run();
        for (int i = 0; i < TOTAL; i++) straight.trainStep();

        Run first = new Run();
        for (int i = 0; i < 5; i++) first.trainStep();
        Path file = dir.resolve("last.json");
        Checkpoint.save(file, first.model, first.optimizer, first.progress());
        first.trainStep(); // the interrupted run moves on; the checkpoint must not

        Run resumed = new Run(); // fresh objects, different random init is overwritten by the load
        resumed.resumeFrom(file);
        assertEquals(5, resumed.step);
        while (resumed.step < TOTAL) resumed.trainStep();
        assertSameParameters(straight.model, resumed.model);
        assertEquals(straight.data.state(), resumed.data.state());
        assertEquals(straight.dropout.state(), resumed.dropout.state());
    }

    @Test
    void progressRoundTripsIncludingNonFiniteMetrics() throws IOException {
        TestMlp m = new TestMlp(new Generator(1), 2, 3, 1, 0f);
        Path file = dir.resolve("p.json");
        for (double best : new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 0.987654321}) {
            var saved = new Checkpoint.Progress(3, 42, best, Map.of("a", Long.MIN_VALUE, "b", -1L, "c", 123456789012345L));
            Checkpoint.save(file, m, null, saved);
            assertEquals(saved, Checkpoint.load(file, m, null));
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, m, null).restore("shuffle", new Generator(0)));
        assertTrue(e.getMessage().contains("[a, b, c]"), e.getMessage());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void eachSaveReplacesTheFilesOfThePreviousOne() throws IOException {
        Run run = new Run();
        run.trainStep();
        Path file = dir.resolve("last.json");
        Checkpoint.save(file, run.model, run.optimizer, run.progress());
        assertEquals(List.of("last.json", "last.model-000001.safetensors", "last.optim-000001.safetensors"), files());
        Files.writeString(dir.resolve("last.model-000017.safetensors"), "orphan of a crashed save");
        Files.writeString(dir.resolve("other.model-000001.safetensors"), "another checkpoint's file");
        run.trainStep();
        Checkpoint.save(file, run.model, run.optimizer, run.progress());
        assertEquals(List.of("last.json", "last.model-000002.safetensors", "last.optim-000002.safetensors",
                "other.model-000001.safetensors"), files());
        // the model file is a plain state dict, readable by any safetensors reader
        var contents = SafeTensors.read(dir.resolve("last.model-000002.safetensors"));
        assertEquals(run.model.stateDict().keySet(), contents.tensors().keySet());
        var optim = SafeTensors.read(dir.resolve("last.optim-000002.safetensors"));
        assertTrue(optim.tensors().containsKey("exp_avg.fc1.weight"));
        assertEquals("2", optim.metadata().get("step.fc1.weight"));
        assertEquals("AdamW", optim.metadata().get("optimizer"));
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointIntact() throws IOException {
        Run run = new Run();
        for (int i = 0; i < 3; i++) run.trainStep();
        Path file = dir.resolve("last.json");
        Checkpoint.save(file, run.model, run.optimizer, run.progress());
        float[] savedWeight = run.model.namedParameters().get(0).tensor().toFloatArray();

        // a directory where the next optimizer file must go: the save fails after writing the model file
        Path blocker = Files.createDirectories(dir.resolve("last.optim-000002.safetensors"));
        Files.writeString(blocker.resolve("keep"), "x");
        run.trainStep();
        assertThrows(IOException.class, () -> Checkpoint.save(file, run.model, run.optimizer, run.progress()));

        Run resumed = new Run();
        resumed.resumeFrom(file);
        assertEquals(3, resumed.step);
        assertArrayEquals(savedWeight, resumed.model.namedParameters().get(0).tensor().toFloatArray());
        assertEquals(3, resumed.optimizer.stepCount("fc1.weight"));
    }

    @Test
    void mismatchedModelsAreNamedAndNothingIsLoaded() throws IOException {
        Run run = new Run();
        run.trainStep();
        Path file = dir.resolve("ckpt.json");
        Checkpoint.save(file, run.model, run.optimizer, run.progress());

        TestMlp wider = new TestMlp(new Generator(3), 6, 20, 3, 0f);
        AdamW widerOpt = new AdamW(wider, 0.01, 0.05);
        float[] before = wider.namedParameters().get(0).tensor().toFloatArray();
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, wider, widerOpt));
        assertTrue(e.getMessage().contains("mis-shaped keys"), e.getMessage());
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
        assertArrayEquals(before, wider.namedParameters().get(0).tensor().toFloatArray(), "model untouched");
        assertEquals(0, widerOpt.stepCount("fc1.weight"), "optimizer untouched");

        /* A model with other names: missing and unexpected keys, listed together. */
        final class Other extends Module {
            Other() {
                registerParameter("w", NDArray.zeros(2));
            }
        }
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, new Other(), null));
        assertTrue(e.getMessage().contains("missing keys: w"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys: fc1.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("ckpt.model-000001.safetensors"), e.getMessage());

        TestMlp same = new TestMlp(new Generator(3), 6, 16, 3, 0f);
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, same, new SGD(ParamGroup.splitByDecay(same, 0.05), 0.1)));
        assertTrue(e.getMessage().contains("saved by AdamW") && e.getMessage().contains("ckpt.optim-000001"), e.getMessage());
    }

    @Test
    void weightsOnlyCheckpointsAndForeignFilesAreExplained() throws IOException {
        TestMlp m = new TestMlp(new Generator(5), 2, 3, 1, 0f);
        Path file = dir.resolve("weights.json");
        Checkpoint.save(file, m, null, new Checkpoint.Progress(0, 0, Double.NaN, Map.of()));
        assertEquals(List.of("weights.json", "weights.model-000001.safetensors"), files());
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, m, new AdamW(m, 0.1, 0.0)));
        assertTrue(e.getMessage().contains("no optimizer state"), e.getMessage());

        Files.writeString(dir.resolve("foreign.json"), "{\"hello\": 1}");
        var io = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("foreign.json"), m, null));
        assertTrue(io.getMessage().contains("not a jvit checkpoint"), io.getMessage());
        assertThrows(NoSuchFileException.class, () -> Checkpoint.load(dir.resolve("absent.json"), m, null));
    }
}
