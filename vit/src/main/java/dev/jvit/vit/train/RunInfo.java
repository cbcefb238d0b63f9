package dev.jvit.vit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jvit.vit.data.Normalization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code run.json} in a run folder: what is needed to rebuild the model of a checkpoint and feed it images
 * (preset name, classes and their names, input size, normalisation), so {@code jvit eval}, {@code predict}
 * and {@code attention} need only the checkpoint.
 *
 * @param model      preset name (see {@link dev.jvit.vit.model.Models})
 * @param dataset    the dataset it was trained on
 * @param classNames one name per class; their count is the head's size
 * @param channels   input channels
 * @param imageSize  input height = width
 * @param mean       per-channel normalisation mean
 * @param std        per-channel normalisation std
 * @param seed       the run's seed
 */
public record RunInfo(String model, String dataset, String[] classNames, int channels, int imageSize,
                      float[] mean, float[] std, long seed) {
    static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Normalization normalization() {
        return new Normalization(mean, std);
    }

    public int numClasses() {
        return classNames.length;
    }

    public void write(Path runDir) throws IOException {
        Path tmp = runDir.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the run.json of a run folder, or of the folder holding a checkpoint file (its last.json).
     */
    public static RunInfo read(Path runDirOrCheckpoint) throws IOException {
        Path dir = Files.isDirectory(runDirOrCheckpoint) ? runDirOrCheckpoint : runDirOrCheckpoint.toAbsolutePath().getParent();
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no run.json beside the checkpoint: pass a run folder written by jvit train");
        }
        try {
            return JSON.readValue(file.toFile(), RunInfo.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a valid run description: " + e.getMessage(), e);
        }
    }

    /** The checkpoint file of a run folder (its last.json), or the file itself when given one. */
    public static Path checkpointOf(Path runDirOrCheckpoint) {
        return Files.isDirectory(runDirOrCheckpoint) ? runDirOrCheckpoint.resolve(Trainer.CHECKPOINT) : runDirOrCheckpoint;
    }
}
