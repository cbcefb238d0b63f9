package dev.jvit.vit.viz;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Confusion matrix counts, accuracies and its text table. */
class ConfusionMatrixTest {

    @Test
    void countsPairsAndAccuracies() {
        ConfusionMatrix m = new ConfusionMatrix(new String[] {"cat", "dog", "automobile-long-name"});
        int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 0}, {1, 1}, {1, 1}};
        for (int[] p : pairs) m.add(p[0], p[1]);
        assertEquals(7, m.total());
        assertEquals(5, m.correct());
        assertEquals(5.0 / 7, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.classAccuracy(0), 1e-12);
        assertEquals(0.75, m.classAccuracy(1), 1e-12);
        assertTrue(Double.isNaN(m.classAccuracy(2)), "a class without images has no accuracy");
        assertEquals(1, m.count(0, 1));

        String text = m.format();
        String[] lines = text.split("\n");
        assertEquals("confusion matrix (rows: true class, columns: predicted class)", lines[0]);
        assertArrayEquals(new String[] {"true", "\\", "predicted", "cat", "dog", "automobile-~"}, lines[1].trim().split("\\s+"));
        assertArrayEquals(new String[] {"cat", "2", "1", "0"}, lines[2].trim().split("\\s+"));
        assertArrayEquals(new String[] {"dog", "1", "3", "0"}, lines[3].trim().split("\\s+"));
        assertTrue(text.contains("cat") && text.contains(" 66.67%  (2/3)"), text);
        assertTrue(text.contains(" 75.00%  (3/4)"), text);
        assertTrue(text.contains("-  (0/0)"), text);
    }

    @Test
    void rejectsClassesOutOfRange() {
        ConfusionMatrix m = new ConfusionMatrix(new String[] {"a", "b"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(2, 0));
        assertTrue(e.getMessage().contains("outside [0, 2)"), e.getMessage());
        assertTrue(Double.isNaN(m.accuracy()));
    }
}
