package dev.jvit.vit.data;

import dev.jvit.core.Generator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BatchLoaderTest {

    /** n grey 4x4 images whose pixels all equal the image index; label = index mod 3. */
    static ImageDataset tiny(int n) {
        byte[] px = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(px, i * 16, i * 16 + 16, (byte) i);
            labels[i] = i % 3;
        }
        return new ImageDataset("tiny", 1, 4, 4, 3, new String[] {"a", "b", "c"}, px, labels);
    }

    private static List<float[]> collect(BatchLoader loader, int epoch) {
        List<float[]> out = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) out.add(b.images().toFloatArray());
        return out;
    }

    @Test
    void prefetchingGivesTheSameBatchesAsInline() {
        ImageDataset d = tiny(37);
        BatchLoader.Builder common = BatchLoader.builder(d, 8).seed(5).normalization(Normalization.half(1))
                .augment(Augmentation.randomCrop(1)).augment(Augmentation.horizontalFlip());
        List<float[]> inline = collect(common.prefetch(0).build(), 2);
        List<float[]> ahead = collect(common.prefetch(3).build(), 2);
        assertEquals(5, inline.size(), "37 images in batches of 8 without dropLast");
        for (int i = 0; i < inline.size(); i++) assertArrayEquals(inline.get(i), ahead.get(i));
    }

    @Test
    void shuffleIsAPermutationThatChangesWithTheEpoch() {
        BatchLoader loader = BatchLoader.builder(tiny(50), 10).seed(1).build();
        int[] e0 = loader.order(0), e1 = loader.order(1);
        assertFalse(Arrays.equals(e0, e1));
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        assertArrayEquals(e0, BatchLoader.builder(tiny(50), 10).seed(1).build().order(0), "same seed, same order");
    }

    @Test
    void normalisesAndKeepsLabelsWithTheirImages() {
        BatchLoader loader = BatchLoader.builder(tiny(9), 4).seed(3).prefetch(0)
                .normalization(new Normalization(new float[] {0.5f}, new float[] {0.25f})).build();
        for (Batch b : loader.epoch(0)) {
            float[] x = b.images().toFloatArray();
            int[] y = b.labels().toIntArray();
            for (int i = 0; i < y.length; i++) {
                float v = x[i * 16];
                int index = Math.round((v * 0.25f + 0.5f) * 255f);
                assertEquals(index % 3, y[i], "label travels with its image");
                assertEquals((index / 255f - 0.5f) / 0.25f, v, 1e-5);
            }
        }
    }

    @Test
    void dropLastDropsThePartialBatch() {
        assertEquals(4, BatchLoader.builder(tiny(37), 8).dropLast(true).build().batchesPerEpoch());
    }

    @Test
    void mixingGivesTargetsThatSumToOne() {
        BatchLoader loader = BatchLoader.builder(tiny(16), 8).prefetch(0).mixing(new Mixing(0.8f, 1.0f, 0.5f)).build();
        for (Batch b : loader.epoch(0)) {
            float[] t = b.targets().toFloatArray();
            for (int i = 0; i < 8; i++) {
                float s = t[i * 3] + t[i * 3 + 1] + t[i * 3 + 2];
                assertEquals(1f, s, 1e-5);
            }
        }
    }

    @Test
    void betaSamplesHaveTheRightMean() {
        Generator g = new Generator(9);
        double sum = 0;
        for (int i = 0; i < 4000; i++) sum += Mixing.sampleBeta(0.4f, g);
        assertEquals(0.5, sum / 4000, 0.03, "Beta(a, a) has mean 1/2");
    }

    @Test
    void randomCropShiftsContentAndPadsWithZeros() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) img[i] = i + 1;
        boolean sawShift = false;
        Generator g = new Generator(4);
        for (int trial = 0; trial < 20; trial++) {
            float[] x = img.clone();
            Augmentation.randomCrop(1).apply(x, 1, 4, 4, g);
            if (!Arrays.equals(x, img)) {
                sawShift = true;
                int zeros = 0;
                for (float v : x) if (v == 0) zeros++;
                assertTrue(zeros >= 3, "a shifted 4x4 image has at least one zero row or column");
            }
        }
        assertTrue(sawShift);
    }
}
