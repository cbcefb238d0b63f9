package dev.jvit.vit.data;

import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Turns an {@link ImageDataset} into batches: a seeded shuffle per epoch, uint8 to float conversion with
 * normalisation, per-image augmentations, optional batch mixing, and a background thread that prepares the
 * next batches while the model trains on the current one.
 *
 * <p>Every random choice of a batch comes from a generator seeded by (seed, epoch, batch index), so the
 * batches of an epoch are the same whether the background thread runs ahead or not, and a resumed run sees
 * exactly the batches it would have seen.
 */
public final class BatchLoader {
    private final ImageDataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Normalization norm;
    private final List<Augmentation> augmentations;
    private final Mixing mixing;
    private final Device device;
    private final int prefetch;

    private BatchLoader(Builder b) {
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.norm = b.norm != null ? b.norm : Normalization.forDataset(b.data);
        this.augmentations = List.copyOf(b.augmentations);
        this.mixing = b.mixing;
        this.device = b.device;
        this.prefetch = b.prefetch;
        if (norm.mean().length != data.channels()) {
            throw new IllegalArgumentException("normalisation has " + norm.mean().length + " channels, the images "
                    + data.channels());
        }
    }

    public static Builder builder(ImageDataset data, int batchSize) {
        return new Builder(data, batchSize);
    }

    public ImageDataset dataset() {
        return data;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
    }

    /** The order of the images in an epoch: a Fisher-Yates shuffle seeded by (seed, epoch), or 0..N-1. */
    public int[] order(int epoch) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        if (shuffle) {
            Generator g = new Generator(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = g.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /** Builds batch number {@code b} of an epoch (given the epoch's order) on the calling thread. */
    public Batch batch(int epoch, int b, int[] order) {
        int from = b * batchSize, to = Math.min(from + batchSize, data.size());
        int n = to - from, c = data.channels(), h = data.height(), w = data.width(), img = c * h * w;
        Generator g = new Generator((seed + 31L * epoch) * 1_000_003L + b);
        float[] x = new float[n * img];
        int[] y = new int[n];
        float[] one = new float[img];
        byte[] px = data.pixels();
        for (int i = 0; i < n; i++) {
            int src = order[from + i];
            y[i] = data.labels()[src];
            for (int k = 0; k < c; k++) {
                float scale = 1f / (255f * norm.std()[k]), shift = norm.mean()[k] / norm.std()[k];
                for (int p = 0; p < h * w; p++) {
                    one[k * h * w + p] = (px[src * img + k * h * w + p] & 0xff) * scale - shift;
                }
            }
            for (Augmentation a : augmentations) a.apply(one, c, h, w, g);
            System.arraycopy(one, 0, x, i * img, img);
        }
        NDArray targets = null;
        if (mixing != null) {
            targets = NDArray.of(mixing.apply(x, y, c, h, w, data.numClasses(), g), n, data.numClasses()).to(device);
        }
        return new Batch(NDArray.of(x, n, c, h, w).to(device), NDArray.ofInts(y, n).to(device), targets);
    }

    /** The batches of one epoch, prepared ahead by a daemon thread when prefetch > 0. */
    public Iterable<Batch> epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /** The batches of one epoch from batch number firstBatch on (to resume in the middle of an epoch). */
    public Iterable<Batch> epoch(int epoch, int firstBatch) {
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + firstBatch + " is outside the epoch's " + batchesPerEpoch());
        }
        return () -> prefetch > 0 ? new Prefetching(epoch, firstBatch) : new Inline(epoch, firstBatch);
    }

    private final class Inline implements Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private int next;

        Inline(int epoch, int firstBatch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.next = firstBatch;
        }

        @Override
        public boolean hasNext() {
            return next < batchesPerEpoch();
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            return batch(epoch, next++, order);
        }
    }

    /** A producer thread fills a bounded queue; an error there is rethrown to the consumer. */
    private final class Prefetching implements Iterator<Batch> {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(prefetch);
        private final int total = batchesPerEpoch();
        private int taken;

        Prefetching(int epoch, int firstBatch) {
            int[] order = order(epoch);
            taken = firstBatch;
            Thread t = new Thread(() -> {
                try {
                    for (int b = firstBatch; b < total; b++) queue.put(batch(epoch, b, order));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    try {
                        queue.put(e);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "jvit-batch-loader");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public boolean hasNext() {
            return taken < total;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch", e);
            }
            taken++;
            if (o instanceof RuntimeException e) throw new IllegalStateException("batch preparation failed: " + e.getMessage(), e);
            if (o instanceof Error e) throw e;
            return (Batch) o;
        }
    }

    public static final class Builder {
        private final ImageDataset data;
        private final int batchSize;
        private boolean shuffle = true;
        private boolean dropLast = false;
        private long seed = 0;
        private Normalization norm;
        private final java.util.ArrayList<Augmentation> augmentations = new java.util.ArrayList<>();
        private Mixing mixing;
        private Device device = Device.CPU;
        private int prefetch = 2;

        private Builder(ImageDataset data, int batchSize) {
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            if (data.size() == 0) throw new IllegalArgumentException(data.name() + " is empty");
            this.data = data;
            this.batchSize = batchSize;
        }

        public Builder shuffle(boolean on) { shuffle = on; return this; }
        public Builder dropLast(boolean on) { dropLast = on; return this; }
        public Builder seed(long s) { seed = s; return this; }
        public Builder normalization(Normalization n) { norm = n; return this; }
        public Builder augment(Augmentation a) { augmentations.add(a); return this; }
        public Builder mixing(Mixing m) { mixing = m; return this; }
        public Builder device(Device d) { device = d; return this; }
        /** How many batches the background thread may prepare ahead; 0 prepares them on the caller's thread. */
        public Builder prefetch(int n) { prefetch = Math.max(0, n); return this; }

        public BatchLoader build() {
            return new BatchLoader(this);
        }
    }
}
