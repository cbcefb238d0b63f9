package dev.jvit.vit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.cpu.StepArena;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.optim.AdamW;
import dev.jvit.vit.model.Models;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training with the step arena is training without it, bit for bit: every kernel writes all of its output
 * before reading it (a recycled array holds the last step's values, or NaN under the build's
 * -Djvit.poisonEmpty=true), and the optimizer's moments, made at the first step inside a cycle, outlive it.
 */
class StepArenaTrainingTest {
    private static final int STEPS = 3, BATCH = 6, CLASSES = 10;

    /** The loss of each step, then every parameter's values after the last step. */
    private static List<float[]> train(String preset, boolean inArena) {
        Generator g = new Generator(7);
        Models.Built built = Models.create(preset, CLASSES, g);
        built.module().train();
        AdamW optimizer = new AdamW(built.module(), 1e-3, 0.05);
        Tensor images = Tensor.of(NDArray.randn(g, BATCH, built.channels(), built.imageSize(), built.imageSize()));
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = g.nextInt(CLASSES);
        Tensor labels = Tensor.of(NDArray.ofInts(y, BATCH));
        StepArena arena = new StepArena();
        float[] losses = new float[STEPS];
        for (int s = 0; s < STEPS; s++) {
            StepArena.Cycle cycle = inArena ? arena.open() : null;
            try {
                Tensor loss = Functional.crossEntropy(built.layer().forward(images), labels);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                losses[s] = loss.item();
            } finally {
                if (cycle != null) cycle.close();
            }
        }
        List<float[]> out = new ArrayList<>();
        out.add(losses);
        for (Tensor p : built.module().parameters()) out.add(p.value().toFloatArray());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist-tiny", "cifar-demo", "swin-mnist", "hybrid-mnist", "conv-attn-mnist", "hybrid-vit-mnist"})
    void stepsInTheArenaMatchStepsWithoutIt(String preset) {
        List<float[]> plain = train(preset, false), arena = train(preset, true);
        assertEquals(plain.size(), arena.size());
        assertArrayEquals(plain.get(0), arena.get(0), "losses");
        for (int i = 1; i < plain.size(); i++) assertArrayEquals(plain.get(i), arena.get(i), "parameter " + (i - 1));
    }
}
