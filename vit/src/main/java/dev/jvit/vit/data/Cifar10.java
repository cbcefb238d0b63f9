package dev.jvit.vit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CIFAR-10 from its binary batches ({@code cifar-10-batches-bin}): each record is one label byte followed by
 * 3072 pixel bytes, the 1024 red values, then green, then blue, of a 32×32 image — already (C, H, W) order.
 */
public final class Cifar10 {
    static final int RECORD = 1 + 3 * 32 * 32;
    static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck"};

    private Cifar10() {}

    /** Loads the split from dir, or from dir/cifar-10-batches-bin when the batches are there. */
    public static ImageDataset load(Path dir, Split split) throws IOException {
        Path root = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        String[] names = split == Split.TRAIN
                ? new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
                : new String[] {"test_batch.bin"};
        byte[][] files = new byte[names.length][];
        int total = 0;
        for (int i = 0; i < names.length; i++) {
            Path p = root.resolve(names[i]);
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "CIFAR-10 batch " + names[i] + " not found in " + root
                        + " (download and unpack the binary version, cifar-10-binary.tar.gz)");
            }
            files[i] = Files.readAllBytes(p);
            if (files[i].length == 0 || files[i].length % RECORD != 0) {
                throw new IOException(p + " is truncated or not a CIFAR-10 binary batch: " + files[i].length
                        + " bytes is not a multiple of the " + RECORD + "-byte record");
            }
            total += files[i].length / RECORD;
        }
        byte[] pixels = new byte[total * (RECORD - 1)];
        int[] labels = new int[total];
        int n = 0;
        for (int f = 0; f < files.length; f++) {
            byte[] b = files[f];
            for (int r = 0; r < b.length / RECORD; r++, n++) {
                int label = b[r * RECORD] & 0xff;
                if (label > 9) throw new IOException(root.resolve(names[f]) + ": record " + r + " has label " + label);
                labels[n] = label;
                System.arraycopy(b, r * RECORD + 1, pixels, n * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageDataset("cifar10/" + split.name().toLowerCase(), 3, 32, 32, 10, CLASSES.clone(), pixels, labels);
    }
}
