package dev.jvit.nn;

// readme-example:begin
import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.cpu.StepArena;
import dev.jvit.nn.Sequential;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.io.Checkpoint;
import dev.jvit.nn.layers.Relu;
import dev.jvit.nn.layers.Linear;
import dev.jvit.nn.optim.AdamW;
import dev.jvit.nn.optim.GradClip;
import dev.jvit.nn.schedule.LrSchedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Trains a small MLP to tell three rings of noisy 2-D points apart, saves a checkpoint and reloads it. */
public class ReadmeExample {
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("jvit-example");
        Generator init = new Generator(0), data = new Generator(1);

        // 192 points; class k lies near the circle of radius k + 1
        int n = 192;
        float[] points = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            double angle = 2 * Math.PI * data.nextFloat(), radius = k + 1 + 0.15 * data.nextGaussian();
            points[2 * i] = (float) (radius * Math.cos(angle));
            points[2 * i + 1] = (float) (radius * Math.sin(angle));
            labels[i] = k;
        }
        Tensor x = Tensor.of(NDArray.of(points, n, 2)), y = Tensor.of(NDArray.ofInts(labels, n));

        Sequential model = Sequential.of(new Linear(2, 64, init), new Relu(), new Linear(64, 3, init));
        AdamW optimizer = new AdamW(model, 1e-2, 1e-4); // weight decay on weights only, not on biases
        int steps = 150;
        LrSchedule schedule = LrSchedule.cosine(1e-2, 1e-4, 20, steps); // 20 warmup steps, then cosine

        // each step reuses the arrays of the last (read what you keep, like the loss, before the cycle closes)
        StepArena arena = new StepArena();
        for (int step = 0; step < steps; step++) {
            try (StepArena.Cycle cycle = arena.open()) {
                schedule.apply(optimizer, step);
                optimizer.zeroGrad();
                Tensor loss = Functional.crossEntropy(model.forward(x), y);
                loss.backward();
                GradClip.clipGradNorm(model, 1.0);
                optimizer.step();
                if (step % 50 == 0 || step == steps - 1) System.out.printf("step %3d  loss %.4f%n", step, loss.item());
            }
        }

        // model weights, AdamW state and progress, written atomically beside each other
        Path checkpoint = dir.resolve("rings.json");
        double accuracy = accuracy(model, x, y);
        Checkpoint.save(checkpoint, model, optimizer,
                new Checkpoint.Progress(1, steps, accuracy, Map.of("data", data.state())));

        // a fresh model gets the trained weights (pass an AdamW instead of null to resume training)
        Sequential restored = Sequential.of(new Linear(2, 64, init), new Relu(), new Linear(64, 3, init));
        Checkpoint.Progress progress = Checkpoint.load(checkpoint, restored, null);
        System.out.printf("accuracy %.3f, after reloading step %d: %.3f%n",
                accuracy, progress.step(), accuracy(restored, x, y));
    }

    static double accuracy(Sequential model, Tensor x, Tensor y) {
        try (NoGrad ignored = NoGrad.enter()) {
            int[] predicted = model.forward(x).argmax(1).value().toIntArray(), truth = y.value().toIntArray();
            int correct = 0;
            for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) correct++;
            return (double) correct / truth.length;
        }
    }
}
// readme-example:end
