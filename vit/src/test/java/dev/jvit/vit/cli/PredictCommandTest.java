package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.vit.data.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** jvit predict: top-k output, probabilities, and image files read exactly as the training loader reads pixels. */
class PredictCommandTest {
    private static final TinyRun RUN = TinyRun.get();

    @Test
    void printsTopKClassesWithProbabilitiesThatSumToOne(@TempDir Path dir) throws IOException {
        Path a = RUN.testImagePng(3, 1, dir), b = RUN.testImagePng(7, 3, dir);
        TinyRun.Captured r = TinyRun.cli("predict", "--checkpoint", RUN.run.toString(), "--top-k", "10",
                a.toString(), b.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            assertTrue(lines.get(i).startsWith((i == 0 ? a : b) + ":"), lines.get(i));
            String[] f = lines.get(i).substring(lines.get(i).indexOf(':') + 1).trim().split("\\s+");
            assertEquals(20, f.length, "ten (class, probability) pairs: " + lines.get(i));
            double sum = 0, previous = 1;
            for (int k = 0; k < 10; k++) {
                double p = Double.parseDouble(f[2 * k + 1]);
                assertTrue(p <= previous + 1e-12, "sorted by probability: " + lines.get(i));
                previous = p;
                sum += p;
            }
            assertEquals(1.0, sum, 1e-3, "printed with 4 decimals");
        }

        r = TinyRun.cli("predict", "--checkpoint", RUN.run.toString(), a.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(6, r.out().strip().split(":")[1].trim().split("\\s+").length, "top 3 by default: " + r.out());
    }

    @Test
    void readsAPngExactlyAsTheTrainingLoaderFedTheSameImage(@TempDir Path dir) throws IOException {
        CheckpointModel cm = CheckpointModel.load(RUN.run);
        int[] which = {0, 5, 11};
        List<Path> files = List.of(RUN.testImagePng(0, 1, dir), RUN.testImagePng(5, 1, dir), RUN.testImagePng(11, 1, dir));
        float[][] p = PredictCommand.probabilities(cm, files);
        assertEquals(3, p.length);
        // the same pixels normalised by hand with the run's statistics
        Normalization n = cm.info().normalization();
        assertEquals(Normalization.FASHION_MNIST.mean()[0], n.mean()[0]);
        float[] x = new float[3 * 784];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 784; k++) {
                x[i * 784 + k] = ((RUN.testPixels[which[i] * 784 + k] & 0xff) / 255f - n.mean()[0]) / n.std()[0];
            }
        }
        float[] ref;
        try (NoGrad ignored = NoGrad.enter()) {
            ref = cm.model().layer().forward(Tensor.of(NDArray.of(x, 3, 1, 28, 28))).value().softmax().toFloatArray();
        }
        for (int i = 0; i < 3; i++) {
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                assertEquals(ref[i * 10 + c], p[i][c], 1e-5, "image " + which[i] + " class " + c);
                sum += p[i][c];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void topKOrdersByProbability() {
        assertArrayEquals(new int[] {2, 0}, PredictCommand.top(new float[] {0.3f, 0.1f, 0.6f}, 2));
        assertArrayEquals(new int[] {1, 2, 0}, PredictCommand.top(new float[] {0.2f, 0.4f, 0.4f}, 3));
    }

    @Test
    void reportsMissingOrUnreadableImagesAndBadOptions(@TempDir Path dir) throws IOException {
        TinyRun.Captured r = TinyRun.cli("predict", "--checkpoint", RUN.run.toString(), dir.resolve("none.png").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.png: image not found"), r.err());

        Path junk = Files.writeString(dir.resolve("junk.png"), "not an image");
        r = TinyRun.cli("predict", "--checkpoint", RUN.run.toString(), junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("junk.png is not a readable PNG, JPEG"), r.err());

        r = TinyRun.cli("predict", "--checkpoint", RUN.run.toString(), "--top-k", "0", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--top-k must be positive"), r.err());

        r = TinyRun.cli("predict", "--checkpoint", dir.resolve("no-run").toString(), junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no checkpoint here"), r.err());
    }
}
