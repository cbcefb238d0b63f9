package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Backends;
import dev.jvit.nn.io.SafeTensors;
import dev.jvit.vit.io.Npy;
import dev.jvit.vit.model.ViTConfig;
import dev.jvit.vit.model.VisionTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jvit infer}: batch inference of a ViT whose weights come in timm's naming (a timm or PyTorch state
 * dict saved as safetensors, or a jvit model file) on images already normalised, NumPy in and NumPy out, so
 * jvit can be checked against PyTorch, or used in a pipeline, without writing Java.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run a ViT with timm-named safetensors weights on a float32 NCHW .npy batch; write logits as .npy.")
final class InferCommand implements Callable<Integer> {

    @Option(names = "--config", required = true,
            description = "ViT preset (mnist-tiny, mnist-small, cifar-demo, vit-ti16, vit-s16, vit-b16) or a .json file of ViTConfig fields.")
    String config;

    @Option(names = "--weights", required = true, description = "State dict in safetensors with timm's parameter names.")
    Path weights;

    @Option(names = "--images", required = true, description = "float32 .npy of shape (B, C, H, W), already normalised.")
    Path images;

    @Option(names = "--out", required = true, description = "Where to write the float32 logits (B, classes) as .npy.")
    Path out;

    @Option(names = "--num-classes", description = "Classes of the head (default: the rows of head.weight, else the config's).")
    Integer numClasses;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws IOException {
        if (batchSize <= 0) throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        Device dev = Device.parse(device);
        String reason = Backends.unavailableReason(dev);
        if (reason != null) throw new IllegalArgumentException("device " + dev + " is unavailable: " + reason);
        ViTConfig c = ConfigSource.resolve(config);
        if (!Files.exists(weights)) throw new NoSuchFileException(weights.toString(), null, "weights file not found");
        if (!Files.exists(images)) throw new NoSuchFileException(images.toString(), null, "images file not found");
        Map<String, NDArray> state = SafeTensors.load(weights);
        NDArray x = Npy.read(images);
        VisionTransformer model = load(c, state, numClasses, weights.toString());
        NDArray logits = infer(model, x, batchSize, dev, images.toString());
        Npy.write(out, logits);
        System.out.printf(Locale.ROOT, "%s: %d images -> logits %s written to %s%n", model.config().name(),
                x.size(0), Shape.str(logits.shape()), out);
        return 0;
    }

    /**
     * A ViT of config c with the given state dict loaded strictly (every key present, none extra, every shape
     * right). The head's size is numClasses when given, else the rows of head.weight, else the config's.
     */
    static VisionTransformer load(ViTConfig c, Map<String, NDArray> state, Integer numClasses, String source) {
        int classes = numClasses != null ? numClasses
                : state.containsKey("head.weight") && state.get("head.weight").rank() == 2
                ? state.get("head.weight").size(0) : c.numClasses();
        if (classes <= 0) throw new IllegalArgumentException("--num-classes must be positive, got " + classes);
        VisionTransformer model = new VisionTransformer(c.withNumClasses(classes), new Generator(0));
        try {
            model.loadStateDict(state, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " does not hold the weights of " + c.name() + " with "
                    + classes + " classes: " + e.getMessage(), e);
        }
        model.eval();
        return model;
    }

    /** Logits (B, classes) of images (B, C, H, W), in batches, without a graph. */
    static NDArray infer(VisionTransformer model, NDArray images, int batchSize, Device device, String source) {
        ViTConfig c = model.config();
        int[] s = images.shape();
        if (s.length != 4 || s[1] != c.channels() || s[2] != c.imageSize() || s[3] != c.imageSize()) {
            throw new IllegalArgumentException(source + " holds an array of shape " + Shape.str(s) + " but "
                    + c.name() + " takes images (B, " + c.channels() + ", " + c.imageSize() + ", " + c.imageSize() + ")");
        }
        if (s[0] == 0) throw new IllegalArgumentException(source + " holds no images");
        model.to(device);
        List<NDArray> parts = new ArrayList<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < s[0]; i += batchSize) {
                NDArray batch = images.narrow(0, i, Math.min(batchSize, s[0] - i)).to(device);
                parts.add(model.forward(Tensor.of(batch)).value().to(Device.CPU));
            }
        }
        return parts.size() == 1 ? parts.get(0) : NDArray.concat(0, parts.toArray(NDArray[]::new));
    }
}
