package dev.jvit.vit.cli;

import dev.jvit.core.Device;
import dev.jvit.vit.data.DataSplits;
import dev.jvit.vit.data.ImageDataset;
import dev.jvit.vit.viz.ConfusionMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** jvit eval on a run folder written by the training loop: totals, the matrix layout, agreement with jvit train. */
class EvalCommandTest {
    private static final TinyRun RUN = TinyRun.get();

    @Test
    void printsAccuracyAndAConfusionMatrixThatCountsEveryImage() {
        TinyRun.Captured r = TinyRun.cli("eval", "--checkpoint", RUN.run.toString(), "--data-dir", RUN.data.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("test accuracy: ([0-9.]+)% \\((\\d+)/(\\d+)\\)").matcher(r.out());
        assertTrue(m.find(), r.out());
        long correct = Long.parseLong(m.group(2)), total = Long.parseLong(m.group(3));
        assertEquals(TinyRun.TEST, total);
        assertEquals(100.0 * correct / total, Double.parseDouble(m.group(1)), 0.01);

        // the printed matrix: a header of class names, then one row per true class
        String[] lines = r.out().split("\n");
        int header = -1;
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("true \\ predicted")) header = i;
        assertTrue(header >= 0, r.out());
        // Fashion-MNIST's class names (the synthetic set is read by its loader), the long ones shortened
        assertArrayEquals(new String[] {"true", "\\", "predicted", "t-shirt", "trouser", "pullover", "dress", "coat",
                "sandal", "shirt", "sneaker", "bag", "ankle-boot"}, lines[header].trim().split("\\s+"));
        long sum = 0, diagonal = 0;
        for (int t = 0; t < 10; t++) {
            String[] cells = lines[header + 1 + t].trim().split("\\s+");
            assertEquals(lines[header].trim().split("\\s+")[3 + t], cells[0]);
            long row = 0;
            for (int p = 0; p < 10; p++) row += Long.parseLong(cells[1 + p]);
            assertEquals(TinyRun.TEST / 10, row, "every class has 10 test images, row " + t);
            diagonal += Long.parseLong(cells[1 + t]);
            sum += row;
        }
        assertEquals(total, sum);
        assertEquals(correct, diagonal);
        assertTrue(r.out().contains("per-class accuracy"), r.out());
    }

    @Test
    void agreesWithTheTrainersTestAccuracyOnTheLastCheckpoint() throws IOException {
        CheckpointModel cm = CheckpointModel.load(RUN.run.resolve("last.json"));
        ImageDataset test = DataSplits.load("fashion-mnist", RUN.data, 0, 1, 0, 28, 1,
                new PrintStream(OutputStream.nullOutputStream())).test();
        ConfusionMatrix cmx = EvalCommand.evaluate(cm, test, 33, Device.CPU);
        assertEquals(TinyRun.TEST, cmx.total());
        assertEquals(RUN.result.testAccuracy(), cmx.accuracy(), 1e-12, "the test accuracy jvit train printed");
        // batch size does not change predictions
        ConfusionMatrix other = EvalCommand.evaluate(cm, test, 100, Device.CPU);
        assertEquals(cmx.correct(), other.correct());
    }

    @Test
    void limitEvaluatesTheFirstImagesOnly() {
        TinyRun.Captured r = TinyRun.cli("eval", "--checkpoint", RUN.run.toString(), "--data-dir", RUN.data.toString(),
                "--limit", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(Pattern.compile("\\(\\d+/20\\)").matcher(r.out()).find(), r.out());
    }

    @Test
    void rejectsImagesOfAnotherSizeOrClassCount() throws IOException {
        CheckpointModel cm = CheckpointModel.load(RUN.run);
        String[] names = {"a", "b"};
        ImageDataset rgb = new ImageDataset("rgb", 3, 32, 32, 2, names, new byte[2 * 3 * 32 * 32], new int[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvalCommand.evaluate(cm, rgb, 8, Device.CPU));
        assertTrue(e.getMessage().contains("mnist-tiny takes 1x28x28 images but rgb has 3x32x32"), e.getMessage());
        ImageDataset two = new ImageDataset("two", 1, 28, 28, 2, names, new byte[2 * 784], new int[2]);
        e = assertThrows(IllegalArgumentException.class, () -> EvalCommand.evaluate(cm, two, 8, Device.CPU));
        assertTrue(e.getMessage().contains("the run has 10 classes"), e.getMessage());
    }

    @Test
    void reportsAMissingCheckpointOrAMismatchedDatasetInOneLine(@TempDir Path empty) {
        TinyRun.Captured r = TinyRun.cli("eval", "--checkpoint", empty.resolve("nope").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no checkpoint here"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = TinyRun.cli("eval", "--checkpoint", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has no checkpoint (last.json)"), r.err());

        r = TinyRun.cli("eval", "--checkpoint", RUN.run.toString(), "--dataset", "cifar10", "--data-dir", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jvit eval: "), r.err());
    }
}
