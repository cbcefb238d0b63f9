package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.vit.data.Batch;
import dev.jvit.vit.data.ImageDataset;
import dev.jvit.vit.model.VisionTransformer;
import dev.jvit.vit.viz.AttentionFigure;
import dev.jvit.vit.viz.AttentionRollout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jvit attention}: where a trained ViT looks. For one image it draws the class token's attention to every
 * patch in each head of the last block, and the attention rollout through all blocks, over the image.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Draw a trained ViT's class-token attention per head of the last block, and the attention rollout, over an image.")
final class AttentionCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "Run folder written by jvit train, or its last.json.")
    Path checkpoint;

    @Option(names = "--image", required = true, description = "Image file (PNG, JPEG; any size, resized to the model's input).")
    Path image;

    @Option(names = "--out", required = true, description = "PNG to write.")
    Path out;

    /** What one image's forward pass tells: the prediction, each block's attention and the rollout. */
    record Result(int predicted, float probability, int heads, int tokens, int grid, List<float[]> blocks,
                  double[] rollout) {}

    @Override
    public Integer call() throws IOException {
        CheckpointModel cm = CheckpointModel.load(checkpoint);
        VisionTransformer vit = cm.vitWithClassToken("jvit attention");
        ImageDataset one = cm.readImages(List.of(image));
        Result r = run(cm, vit, one);
        int last = r.blocks().size() - 1;
        List<float[]> heads = new ArrayList<>();
        for (int h = 0; h < r.heads(); h++) heads.add(AttentionRollout.classToPatches(r.blocks().get(last), h, r.tokens()));
        float[] rollout = AttentionRollout.classToPatches(r.rollout(), r.tokens());
        String predicted = cm.info().classNames()[r.predicted()];
        String title = String.format(Locale.ROOT, "%s: class-token attention on %s (predicted %s, p=%.3f)",
                cm.info().model(), image.getFileName(), predicted, r.probability());
        AttentionFigure.write(out, title, AttentionFigure.picture(one.pixels(), one.channels(), one.height(), one.width()),
                r.grid(), AttentionFigure.maps(heads, last, rollout));
        System.out.printf(Locale.ROOT, "predicted %s (p=%.4f); %d heads x %d blocks; wrote %s%n", predicted,
                r.probability(), r.heads(), r.blocks().size(), out);
        return 0;
    }

    /** Runs the single image of one through the model with attention kept, and computes the rollout. */
    static Result run(CheckpointModel cm, VisionTransformer vit, ImageDataset one) {
        Batch b = cm.loader(one, 1, Device.CPU).epoch(0).iterator().next();
        float[] probs;
        List<float[]> blocks = new ArrayList<>();
        vit.keepAttention(true);
        try (NoGrad ignored = NoGrad.enter()) {
            probs = vit.forward(Tensor.of(b.images())).value().softmax().toFloatArray();
            for (Tensor a : vit.attentionMaps()) blocks.add(a.value().toFloatArray()); // each (1, H, T, T)
        } finally {
            vit.keepAttention(false);
        }
        int predicted = 0;
        for (int i = 1; i < probs.length; i++) if (probs[i] > probs[predicted]) predicted = i;
        int heads = vit.config().heads(), tokens = vit.config().tokens();
        return new Result(predicted, probs[predicted], heads, tokens, vit.config().gridSize(), blocks,
                AttentionRollout.rollout(blocks, heads, tokens));
    }
}
