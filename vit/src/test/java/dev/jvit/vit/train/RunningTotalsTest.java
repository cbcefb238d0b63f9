package dev.jvit.vit.train;

import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.vit.data.Batch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunningTotalsTest {

    private static Batch labelled(int... labels) {
        return new Batch(NDArray.zeros(labels.length, 1, 1, 1), NDArray.ofInts(labels, labels.length), null);
    }

    @Test
    void sumsOnTheDeviceAndReadsEveryNSteps() {
        RunningTotals t = new RunningTotals(2);
        NDArray logits = NDArray.of(new float[] {0f, 5f, 1f, 0f, 1f, 4f}, 2, 3); // predicts 1, 2
        assertFalse(t.add(NDArray.full(0.5f, Device.CPU), logits, labelled(1, 0)));
        assertEquals(0, t.seenAtRead(), "nothing read after one step of two");
        assertEquals(2, t.seen());
        assertTrue(t.add(NDArray.full(1.5f, Device.CPU), logits, labelled(1, 2)));
        assertEquals(4, t.seenAtRead());
        assertEquals((0.5 * 2 + 1.5 * 2) / 4, t.meanLoss(), 1e-6);
        assertEquals(3.0 / 4, t.accuracy(), 1e-12);
        t.add(NDArray.full(2f, Device.CPU), logits, labelled(0, 0)); // unread until asked
        assertEquals(4, t.seenAtRead());
        t.read();
        assertEquals(6, t.seenAtRead());
        assertEquals((1 + 3 + 4) / 6.0, t.meanLoss(), 1e-6);
        assertEquals(3.0 / 6, t.accuracy(), 1e-12);
    }

    @Test
    void softTargetsCountTheirLargestComponentAsTheTrainerDoes() {
        NDArray targets = NDArray.of(new float[] {0.3f, 0.7f, 0f, 0f, 0f, 1f}, 2, 3);
        Batch b = new Batch(NDArray.zeros(2, 1, 1, 1), NDArray.ofInts(new int[] {0, 2}, 2), targets);
        NDArray logits = NDArray.of(new float[] {0f, 5f, 1f, 0f, 1f, 4f}, 2, 3);
        RunningTotals t = RunningTotals.forDevice(Device.CPU);
        assertTrue(t.add(NDArray.full(1f, Device.CPU), logits, b), "the CPU reads every step");
        assertEquals(Trainer.countCorrect(logits, b) / 2.0, t.accuracy(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new RunningTotals(0));
    }
}
