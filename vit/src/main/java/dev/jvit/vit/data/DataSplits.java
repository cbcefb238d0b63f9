package dev.jvit.vit.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The three image sets of a run: training, validation (held out of the training set, or the test set when
 * none is held out) and test. Loads a dataset by name: {@code mnist} (fetched into the cache on first use),
 * {@code fashion-mnist}, {@code cifar10} or {@code folder:PATH} (images in class sub-folders, split 90/10).
 */
public record DataSplits(ImageDataset train, ImageDataset validation, ImageDataset test) {

    public static DataSplits load(String dataset, Path dataDir, int valSize, int trainLimit, int testLimit,
                                  int folderImageSize, int folderChannels, PrintStream log) throws IOException {
        ImageDataset train, test;
        String name = dataset.toLowerCase(java.util.Locale.ROOT);
        if (name.equals("mnist")) {
            Path dir = dataDir != null ? dataDir : DataCache.defaultRoot().resolve("mnist");
            if (!Mnist.isComplete(dir)) dir = new MnistFetcher(log).fetch(DataCache.defaultRoot().resolve("mnist"), dataDir);
            train = Mnist.load(dir, Split.TRAIN);
            test = Mnist.load(dir, Split.TEST);
        } else if (name.equals("fashion-mnist")) {
            Path dir = require(dataDir, dataset);
            train = Mnist.loadFashion(dir, Split.TRAIN);
            test = Mnist.loadFashion(dir, Split.TEST);
        } else if (name.equals("cifar10")) {
            Path dir = dataDir != null ? dataDir : DataCache.defaultRoot().resolve("cifar10");
            train = Cifar10.load(dir, Split.TRAIN);
            test = Cifar10.load(dir, Split.TEST);
        } else if (name.startsWith("folder:")) {
            ImageDataset all = ImageFolder.load(Path.of(dataset.substring(7)), folderChannels, folderImageSize, folderImageSize);
            int nTest = Math.max(1, all.size() / 10);
            test = slice(all, all.size() - nTest, all.size(), all.name() + "/test");
            train = slice(all, 0, all.size() - nTest, all.name() + "/train");
        } else {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "' (expected mnist, fashion-mnist, cifar10 or folder:PATH)");
        }
        if (trainLimit > 0) train = train.head(trainLimit);
        if (testLimit > 0) test = test.head(testLimit);
        if (valSize == 0) return new DataSplits(train, test, test);
        if (valSize >= train.size()) {
            throw new IllegalArgumentException("--val-size " + valSize + " leaves no training images out of " + train.size());
        }
        // the last valSize training images: a fixed split, independent of the seed
        ImageDataset val = slice(train, train.size() - valSize, train.size(), train.name() + "/val");
        return new DataSplits(slice(train, 0, train.size() - valSize, train.name()), val, test);
    }

    private static Path require(Path dataDir, String dataset) {
        if (dataDir == null) throw new IllegalArgumentException(dataset + " needs --data-dir with its files");
        return dataDir;
    }

    static ImageDataset slice(ImageDataset d, int from, int to, String name) {
        int img = d.imageBytes();
        return new ImageDataset(name, d.channels(), d.height(), d.width(), d.numClasses(), d.classNames(),
                Arrays.copyOfRange(d.pixels(), from * img, to * img), Arrays.copyOfRange(d.labels(), from, to));
    }
}
