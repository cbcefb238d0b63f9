package dev.jvit.vit.train;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.vit.data.Batch;

/**
 * An epoch's running training loss and accuracy, summed where the model runs and read back to the host only
 * every {@code readEvery} steps (and when asked at the end of the epoch). On a GPU every read waits for all the
 * work queued so far, so reading the loss each step would keep the host from running ahead of the device; on
 * the CPU a read costs nothing and the trainer reads every step.
 */
final class RunningTotals {
    /** Steps between reads on a CUDA device: the progress bar still moves a few times a second. */
    static final int CUDA_READ_EVERY = 25;

    private final int readEvery;
    private NDArray lossSum, correctSum; // scalars on the model's device
    private long seen, unread;
    private double loss;
    private long correct, seenAtRead;

    RunningTotals(int readEvery) {
        if (readEvery < 1) throw new IllegalArgumentException("readEvery must be >= 1, got " + readEvery);
        this.readEvery = readEvery;
    }

    /** Every step on the CPU, every {@value #CUDA_READ_EVERY} on a GPU. */
    static RunningTotals forDevice(Device device) {
        return new RunningTotals(device.kind() == Device.Kind.CPU ? 1 : CUDA_READ_EVERY);
    }

    /**
     * Adds one step: meanLoss is the batch's mean loss (a scalar), logits (B, C). A prediction counts as right
     * when it is the batch's {@link #classes}. Returns whether this step read the totals back.
     */
    boolean add(NDArray meanLoss, NDArray logits, Batch b) {
        int n = logits.size(0);
        NDArray right = logits.argmax(1).toType(DType.FLOAT32).eq(classes(b).toType(DType.FLOAT32)).sum();
        NDArray weighted = meanLoss.mul((float) n);
        lossSum = lossSum == null ? weighted : lossSum.add(weighted);
        correctSum = correctSum == null ? right : correctSum.add(right);
        seen += n;
        if (++unread < readEvery) return false;
        read();
        return true;
    }

    /**
     * The class a prediction must hit, (B) INT32: the label, or with mixup/cutmix targets the target's largest
     * component (the image that covers more of the blend), not the first image's label, which is the minority
     * class whenever λ &lt; 1/2.
     */
    static NDArray classes(Batch b) {
        return b.targets() != null ? b.targets().argmax(1) : b.labels();
    }

    /** Brings the device's sums to the host now. */
    void read() {
        if (lossSum == null) return;
        loss = lossSum.item();
        correct = Math.round(correctSum.item());
        seenAtRead = seen;
        unread = 0;
    }

    /** Mean loss over the images up to the last read. */
    double meanLoss() {
        return loss / Math.max(seenAtRead, 1);
    }

    /** Accuracy over the images up to the last read. */
    double accuracy() {
        return (double) correct / Math.max(seenAtRead, 1);
    }

    /** Images up to the last read. */
    long seenAtRead() {
        return seenAtRead;
    }

    /** Images added so far, read or not. */
    long seen() {
        return seen;
    }
}
