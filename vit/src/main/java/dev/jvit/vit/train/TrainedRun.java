package dev.jvit.vit.train;

import dev.jvit.core.Generator;
import dev.jvit.nn.io.Checkpoint;
import dev.jvit.vit.model.Models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A trained model rebuilt from a run folder of {@code jvit train}: run.json says which preset, how many
 * classes and how images were normalised; the checkpoint (last.json) supplies the weights. The model is in
 * eval mode (no dropout). What {@code eval}, {@code predict} and the other commands load (through
 * {@code CheckpointModel}), and what {@code train --teacher} distils from.
 *
 * @param checkpoint the checkpoint file that was loaded
 * @param info       the run's description
 * @param model      the model with the checkpoint's weights
 */
public record TrainedRun(Path checkpoint, RunInfo info, Models.Built model) {

    /** Loads a run folder, or the checkpoint file (last.json) inside one. */
    public static TrainedRun load(Path runDirOrCheckpoint) throws IOException {
        if (!Files.exists(runDirOrCheckpoint)) {
            throw new NoSuchFileException(runDirOrCheckpoint.toString(), null,
                    "no checkpoint here (pass a run folder written by jvit train, or its last.json)");
        }
        Path file = RunInfo.checkpointOf(runDirOrCheckpoint);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "the run folder has no checkpoint (last.json) yet");
        }
        RunInfo info = RunInfo.read(runDirOrCheckpoint);
        if (!Models.names().contains(info.model())) {
            throw new IllegalArgumentException(file + ": the run's model '" + info.model()
                    + "' is not a preset of this jvit (known: " + String.join(", ", Models.names()) + ")");
        }
        // the initial values are overwritten by the checkpoint; any seed will do
        Models.Built built = Models.create(info.model(), info.numClasses(), new Generator(0));
        if (built.channels() != info.channels() || built.imageSize() != info.imageSize()) {
            throw new IllegalArgumentException(file + ": run.json says " + info.channels() + "x" + info.imageSize()
                    + "x" + info.imageSize() + " images but " + info.model() + " takes " + built.channels() + "x"
                    + built.imageSize() + "x" + built.imageSize());
        }
        Checkpoint.load(file, built.module(), null);
        built.module().eval();
        return new TrainedRun(file, info, built);
    }
}
