package dev.jvit.bench;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.cpu.StepArena;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.optim.AdamW;
import dev.jvit.vit.model.Models;

/**
 * One training step of a model preset on a fixed batch of random data: forward, cross-entropy, backward,
 * AdamW. The training benchmarks (JMH and {@code bench compare}) time exactly this, and
 * {@code reference/vit_torch.py} does the same in PyTorch: same model, same batch, AdamW with timm's split
 * (weight decay on matrices only), dropout active as in training, {@code loss.item()} read each step as the
 * trainer does (on a GPU that is also what waits for the step to finish).
 *
 * <p>The batch is drawn once: the data loader is not part of the step. Images are standard normal
 * (B, C, S, S), labels uniform in [0, 10).
 */
public final class TrainStep {
    /** The learning rate and weight decay of both sides; their values do not change the cost of a step. */
    public static final double LR = 1e-3, WEIGHT_DECAY = 0.05;
    public static final int CLASSES = 10;

    private final String model;
    private final int batch;
    private final Models.Built built;
    private final AdamW optimizer;
    private final Tensor images, labels;
    private final StepArena arena = new StepArena();

    /** Builds the model on device and a random batch; seed fixes the weights and the data. */
    public TrainStep(String model, int batch, Device device, long seed) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (!Models.names().contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "' (known: " + String.join(", ", Models.names()) + ")");
        }
        this.model = model;
        this.batch = batch;
        Generator g = new Generator(seed);
        this.built = Models.create(model, CLASSES, g);
        built.module().to(device);
        built.module().train();
        this.optimizer = new AdamW(built.module(), LR, WEIGHT_DECAY);
        int c = built.channels(), s = built.imageSize();
        this.images = Tensor.of(NDArray.randn(g, batch, c, s, s).to(device));
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = g.nextInt(CLASSES);
        this.labels = Tensor.of(NDArray.ofInts(y, batch).to(device));
    }

    /** The batch a preset is benchmarked at unless told otherwise: 8 for the ImageNet-sized models (vit-*, swin-t), else 128. */
    public static int defaultBatch(String model) {
        return model.startsWith("vit-") || model.equals("swin-t") ? 8 : 128;
    }

    /** One step, its arrays recycled from the last step's (as the trainer does); returns the loss (read back to the host, which also waits for a device to finish). */
    public float run() {
        try (StepArena.Cycle cycle = arena.open()) {
            Tensor logits = built.layer().forward(images);
            Tensor loss = Functional.crossEntropy(logits, labels);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return loss.item();
        }
    }

    /**
     * A step that stops after the forward pass and returns its loss tensor, the graph still alive: the point
     * where the activations the backward needs are all held (used to measure the live heap). The forward runs in
     * a cycle of the step's arena, as in {@link #run}, so its arrays are the ones the arena holds anyway; the cycle
     * has closed when this returns, so the tensor is there to be held, not read.
     */
    public Tensor forwardOnly() {
        try (StepArena.Cycle cycle = arena.open()) {
            return Functional.crossEntropy(built.layer().forward(images), labels);
        }
    }

    public String model() {
        return model;
    }

    public int batch() {
        return batch;
    }

    public long parameterCount() {
        return built.module().parameterCount();
    }
}
