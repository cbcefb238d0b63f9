package dev.jvit.vit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MNIST (and Fashion-MNIST, which ships in the same four IDX files) loaded from a folder. Every MNIST file is
 * checked against the SHA-256 of its decompressed contents before use, so a corrupt or truncated download is
 * refused with the file's name instead of training on garbage.
 */
public final class Mnist {

    /** One of the four files of the set, with the SHA-256 of its decompressed contents. */
    public enum File {
        TRAIN_IMAGES("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        TRAIN_LABELS("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        TEST_IMAGES("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        TEST_LABELS("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

        public final String baseName;
        public final String sha256;

        File(String baseName, String sha256) {
            this.baseName = baseName;
            this.sha256 = sha256;
        }
    }

    private Mnist() {}

    /** Loads MNIST's train or test split from dir, verifying every file's SHA-256. */
    public static ImageDataset load(Path dir, Split split) throws IOException {
        return load(dir, split, "mnist", true, ImageDataset.digitNames());
    }

    /** Loads Fashion-MNIST from dir (its files have MNIST's names; there is no fixed hash to check). */
    public static ImageDataset loadFashion(Path dir, Split split) throws IOException {
        return load(dir, split, "fashion-mnist", false, new String[] {"t-shirt", "trouser", "pullover", "dress",
                "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"});
    }

    private static ImageDataset load(Path dir, Split split, String name, boolean verify, String[] classes)
            throws IOException {
        File imagesFile = split == Split.TRAIN ? File.TRAIN_IMAGES : File.TEST_IMAGES;
        File labelsFile = split == Split.TRAIN ? File.TRAIN_LABELS : File.TEST_LABELS;
        Path imagesPath = find(dir, imagesFile), labelsPath = find(dir, labelsFile);
        byte[] imageBytes = IdxFile.readDecompressed(imagesPath);
        byte[] labelBytes = IdxFile.readDecompressed(labelsPath);
        if (verify) {
            checkSha256(imagesPath, imageBytes, imagesFile.sha256);
            checkSha256(labelsPath, labelBytes, labelsFile.sha256);
        }
        IdxFile.Contents images = IdxFile.parse(imageBytes, imagesPath.toString(), 3);
        IdxFile.Contents labels = IdxFile.parse(labelBytes, labelsPath.toString(), 1);
        if (images.dims()[0] != labels.dims()[0]) {
            throw new IOException(imagesPath + " has " + images.dims()[0] + " images but " + labelsPath + " has "
                    + labels.dims()[0] + " labels");
        }
        int[] y = new int[labels.dims()[0]];
        for (int i = 0; i < y.length; i++) y[i] = labels.data()[i] & 0xff;
        return new ImageDataset(name + "/" + split.name().toLowerCase(), 1, images.dims()[1], images.dims()[2],
                10, classes, images.data(), y);
    }

    /** The file in dir, raw or with a .gz suffix; a clear error names what is missing and where. */
    public static Path find(Path dir, File file) throws IOException {
        for (String candidate : new String[] {file.baseName, file.baseName + ".gz",
                file.baseName.replace("-idx", ".idx"), file.baseName.replace("-idx", ".idx") + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new java.nio.file.NoSuchFileException(dir.resolve(file.baseName).toString(), null,
                "MNIST file " + file.baseName + "[.gz] not found in " + dir + " (run ./jvit data fetch mnist)");
    }

    /** True when all four files are in dir and match their hashes. */
    public static boolean isComplete(Path dir) {
        try {
            for (File f : File.values()) {
                Path p = find(dir, f);
                checkSha256(p, IdxFile.readDecompressed(p), f.sha256);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void checkSha256(Path file, byte[] contents, String expected) throws IOException {
        String actual = sha256(contents);
        if (!actual.equals(expected)) {
            throw new IOException(file + " is corrupt or truncated: SHA-256 of its decompressed contents is "
                    + actual + ", expected " + expected + " (delete it and fetch again)");
        }
    }

    static String sha256(byte[] contents) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(contents));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
