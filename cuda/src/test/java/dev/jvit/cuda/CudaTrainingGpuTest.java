package dev.jvit.cuda;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backends;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.layers.BlockConfig;
import dev.jvit.nn.layers.Linear;
import dev.jvit.nn.layers.TransformerEncoderBlock;
import dev.jvit.nn.optim.AdamW;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end: a pre-norm transformer block (LayerNorm, attention, GELU MLP) with a linear head, trained for a
 * few AdamW steps on the CPU and on the GPU from the same initial weights and data; the losses and the final
 * parameters must agree. Skipped where no CUDA device is usable.
 */
@Tag("gpu")
class CudaTrainingGpuTest {
    private static final Device CUDA = Device.cuda(0);

    /** Block, mean over tokens, head. */
    private static final class TinyModel extends Module {
        final TransformerEncoderBlock block;
        final Linear head;

        TinyModel(Generator g) {
            block = registerModule("block", new TransformerEncoderBlock(BlockConfig.of(32, 4), g));
            head = registerModule("head", new Linear(32, 5, g));
        }

        Tensor forward(Tensor x) {
            return head.forward(block.forward(x).mean(1));
        }
    }

    @Test
    void fewTrainingStepsAgreeWithTheCpu() {
        assumeTrue(Backends.isAvailable(CUDA), () -> "CUDA unavailable: " + Backends.unavailableReason(CUDA));
        TinyModel cpu = new TinyModel(new Generator(42)), gpu = new TinyModel(new Generator(42));
        gpu.to(CUDA);
        AdamW optCpu = new AdamW(cpu, 1e-3, 0.05), optGpu = new AdamW(gpu, 1e-3, 0.05);
        Generator data = new Generator(7);
        for (int step = 0; step < 4; step++) {
            NDArray x = NDArray.randn(data, 6, 17, 32);
            int[] labels = new int[6];
            for (int i = 0; i < 6; i++) labels[i] = data.nextInt(5);
            NDArray y = NDArray.ofInts(labels, 6);
            float lossCpu = trainStep(cpu, optCpu, x, y);
            float lossGpu = trainStep(gpu, optGpu, x.to(CUDA), y.to(CUDA));
            assertEquals(lossCpu, lossGpu, 1e-4 * Math.max(1, Math.abs(lossCpu)), "loss at step " + step);
        }
        Map<String, NDArray> a = cpu.stateDict(), b = gpu.stateDict();
        for (var e : a.entrySet()) {
            float[] ref = e.getValue().toFloatArray(), got = b.get(e.getKey()).toFloatArray();
            double err = CudaOpsGpuTest.relError(ref, got);
            assertTrue(err < 1e-4, e.getKey() + ": relative error " + err);
        }
    }

    private static float trainStep(TinyModel m, AdamW opt, NDArray x, NDArray y) {
        opt.zeroGrad();
        Tensor loss = Functional.crossEntropy(m.forward(Tensor.of(x)), Tensor.of(y));
        loss.backward();
        opt.step();
        return loss.value().item();
    }

    @Test
    void parametersLiveOnTheGpuAfterTo() {
        assumeTrue(Backends.isAvailable(CUDA));
        TinyModel m = new TinyModel(new Generator(1));
        m.to(CUDA);
        List<Tensor> ps = m.parameters();
        assertTrue(ps.size() > 4);
        for (Tensor t : ps) assertEquals(CUDA, t.value().device());
    }
}
