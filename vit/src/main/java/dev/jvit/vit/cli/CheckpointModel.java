package dev.jvit.vit.cli;

import dev.jvit.core.Device;
import dev.jvit.vit.data.BatchLoader;
import dev.jvit.vit.data.ImageDataset;
import dev.jvit.vit.data.ImageFolder;
import dev.jvit.vit.model.Models;
import dev.jvit.vit.model.VisionTransformer;
import dev.jvit.vit.train.RunInfo;
import dev.jvit.vit.train.TrainedRun;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained model rebuilt from a run folder of {@code jvit train}: run.json says which preset, how many
 * classes and how images were normalised; the checkpoint (last.json) supplies the weights. The model is
 * in eval mode (no dropout). Shared by {@code eval}, {@code predict}, {@code attention} and {@code pos-embed}.
 *
 * @param checkpoint the checkpoint file that was loaded
 * @param info       the run's description
 * @param model      the model with the checkpoint's weights
 */
record CheckpointModel(Path checkpoint, RunInfo info, Models.Built model) {

    /** Loads a run folder, or the checkpoint file (last.json) inside one (see {@link TrainedRun#load}). */
    static CheckpointModel load(Path runDirOrCheckpoint) throws IOException {
        TrainedRun run = TrainedRun.load(runDirOrCheckpoint);
        return new CheckpointModel(run.checkpoint(), run.info(), run.model());
    }

    /** The model as a Vision Transformer with a class token, or a clear error saying why it is not one. */
    VisionTransformer vitWithClassToken(String what) {
        if (!(model.module() instanceof VisionTransformer v)) {
            throw new IllegalArgumentException(what + " needs a Vision Transformer; " + info.model()
                    + " (" + checkpoint + ") is not one");
        }
        if (!v.config().classToken()) {
            throw new IllegalArgumentException(what + " needs a ViT with a class token; " + info.model()
                    + " pools its patch tokens instead");
        }
        return v;
    }

    /**
     * Image files of any size and colour read as this model's input: resized to its square size and turned grey
     * or RGB exactly as ImageFolder does for training. Labels are all 0 (unknown).
     */
    ImageDataset readImages(List<Path> files) throws IOException {
        int c = info.channels(), s = info.imageSize(), img = c * s * s;
        byte[] pixels = new byte[files.size() * img];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(ImageFolder.toBytes(readImage(files.get(i)), c, s, s), 0, pixels, i * img, img);
        }
        return new ImageDataset("images", c, s, s, info.numClasses(), info.classNames(), pixels, new int[files.size()]);
    }

    static BufferedImage readImage(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "image not found");
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException(file + " is not a readable PNG, JPEG, GIF or BMP image");
        return img;
    }

    /** Batches of a dataset in order, normalised with the run's statistics (as the training loader did). */
    BatchLoader loader(ImageDataset data, int batchSize, Device device) {
        return BatchLoader.builder(data, Math.min(batchSize, data.size())).shuffle(false)
                .normalization(info.normalization()).device(device).build();
    }
}
