package dev.jvit.vit.viz;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Attention rollout on small hand-made attentions (the PyTorch comparison is in cli/InferCommandTest). */
class AttentionRolloutTest {

    /** Random attention (heads, t, t) with rows that sum to 1. */
    private static float[] randomAttention(Random r, int heads, int t) {
        float[] a = new float[heads * t * t];
        for (int row = 0; row < heads * t; row++) {
            double s = 0;
            for (int j = 0; j < t; j++) s += a[row * t + j] = r.nextFloat() + 0.01f;
            for (int j = 0; j < t; j++) a[row * t + j] /= (float) s;
        }
        return a;
    }

    @Test
    void oneBlockIsHalfAttentionHalfIdentity() {
        // 2 heads over 2 tokens: head means [[0.5, 0.5], [0.2, 0.8]]
        float[] a = {1, 0, 0.4f, 0.6f, /* head 2 */ 0, 1, 0, 1};
        double[] r = AttentionRollout.rollout(List.of(a), 2, 2);
        assertArrayEquals(new double[] {0.75, 0.25, 0.1, 0.9}, r, 1e-7);
    }

    @Test
    void laterBlocksMultiplyFromTheLeft() {
        Random rnd = new Random(5);
        float[] a1 = randomAttention(rnd, 1, 3), a2 = randomAttention(rnd, 1, 3);
        double[] r1 = AttentionRollout.rollout(List.of(a1), 1, 3), r2 = AttentionRollout.rollout(List.of(a2), 1, 3);
        double[] r = AttentionRollout.rollout(List.of(a1, a2), 1, 3);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = 0;
                for (int k = 0; k < 3; k++) expected += r2[i * 3 + k] * r1[k * 3 + j];
                assertEquals(expected, r[i * 3 + j], 1e-12);
            }
        }
    }

    @Test
    void rowsOfTheRolloutSumToOne() {
        Random rnd = new Random(9);
        int heads = 3, t = 10;
        double[] r = AttentionRollout.rollout(List.of(randomAttention(rnd, heads, t), randomAttention(rnd, heads, t),
                randomAttention(rnd, heads, t), randomAttention(rnd, heads, t)), heads, t);
        for (int i = 0; i < t; i++) {
            double s = 0;
            for (int j = 0; j < t; j++) s += r[i * t + j];
            assertEquals(1.0, s, 1e-9);
        }
        float[] cls = AttentionRollout.classToPatches(r, t);
        assertEquals(t - 1, cls.length);
        assertEquals((float) r[1], cls[0]);
    }

    @Test
    void classRowOfAHeadSkipsTheClassColumn() {
        float[] a = randomAttention(new Random(1), 2, 4);
        float[] row = AttentionRollout.classToPatches(a, 1, 4);
        assertArrayEquals(new float[] {a[16 + 1], a[16 + 2], a[16 + 3]}, row);
    }

    @Test
    void rejectsArraysOfTheWrongSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionRollout.rollout(List.of(new float[7]), 2, 2));
        assertTrue(e.getMessage().contains("needs 8 values, got 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttentionRollout.rollout(List.of(), 2, 2));
    }
}
