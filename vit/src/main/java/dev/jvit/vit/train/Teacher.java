package dev.jvit.vit.train;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.vit.data.Normalization;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The teacher of DeiT's hard-label distillation: a trained jvit run (any preset) that labels each training
 * batch with its own prediction, argmax of its logits, computed in eval mode without a graph on the very
 * batch the student sees (augmented and mixed alike). Its run must take the student's input and have the
 * student's classes. When the two runs normalised their images differently (another dataset's statistics),
 * the batch is converted to the teacher's normalisation first.
 */
public final class Teacher {
    private final TrainedRun run;
    private final NDArray scale, shift; // (1, C, 1, 1) or null: teacher input = x * scale + shift

    private Teacher(TrainedRun run, NDArray scale, NDArray shift) {
        this.run = run;
        this.scale = scale;
        this.shift = shift;
    }

    /**
     * Loads the teacher's run folder (or its last.json) and checks it against the student's input
     * (channels × size × size), classes and normalisation.
     */
    public static Teacher load(Path runDirOrCheckpoint, int channels, int imageSize, int numClasses,
                               Normalization studentNorm, Device device) throws IOException {
        TrainedRun run;
        try {
            run = TrainedRun.load(runDirOrCheckpoint);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--teacher " + runDirOrCheckpoint + ": " + e.getFile()
                    + (e.getReason() != null ? ": " + e.getReason() : " not found"), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--teacher " + runDirOrCheckpoint + ": " + e.getMessage(), e);
        }
        RunInfo t = run.info();
        if (t.channels() != channels || t.imageSize() != imageSize) {
            throw new IllegalArgumentException("--teacher " + runDirOrCheckpoint + " (" + t.model() + ") takes "
                    + t.channels() + "x" + t.imageSize() + "x" + t.imageSize() + " images, the student "
                    + channels + "x" + imageSize + "x" + imageSize);
        }
        if (t.numClasses() != numClasses) {
            throw new IllegalArgumentException("--teacher " + runDirOrCheckpoint + " (" + t.model() + ") has "
                    + t.numClasses() + " classes " + Arrays.toString(t.classNames()) + ", the training data "
                    + numClasses);
        }
        run.model().module().to(device);
        NDArray scale = null, shift = null;
        if (!Arrays.equals(t.mean(), studentNorm.mean()) || !Arrays.equals(t.std(), studentNorm.std())) {
            // raw = x * std_s + mean_s; teacher input = (raw - mean_t) / std_t
            float[] sc = new float[channels], sh = new float[channels];
            for (int k = 0; k < channels; k++) {
                sc[k] = studentNorm.std()[k] / t.std()[k];
                sh[k] = (studentNorm.mean()[k] - t.mean()[k]) / t.std()[k];
            }
            scale = NDArray.of(sc, 1, channels, 1, 1).to(device);
            shift = NDArray.of(sh, 1, channels, 1, 1).to(device);
        }
        return new Teacher(run, scale, shift);
    }

    public TrainedRun run() {
        return run;
    }

    /** The teacher's predicted classes, INT32 (B), for a batch of the student's images (B, C, H, W). */
    public NDArray labels(NDArray images) {
        NDArray x = scale == null ? images : images.mul(scale).add(shift);
        try (NoGrad ignored = NoGrad.enter()) {
            return run.model().layer().forward(Tensor.of(x)).value().argmax(1).toType(DType.INT32);
        }
    }
}
