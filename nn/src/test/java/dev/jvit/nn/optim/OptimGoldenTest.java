package dev.jvit.nn.optim;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.cpu.CpuBackend;
import dev.jvit.nn.Module;
import dev.jvit.nn.io.SafeTensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jvit's optimizers against torch.optim (files written by reference/golden_optim.py): two parameters in two
 * groups (w with weight decay, b without), several steps with stored gradients, then the parameters and
 * every buffer compared with ‖out − ref‖ / ‖ref‖ &lt; 1e-6, on the scalar and the SIMD kernels.
 */
class OptimGoldenTest {
    private static final double TOL = 1e-6;
    private Backend previous;

    /** The two golden parameters, registered so that splitByDecay gives PyTorch's group order. */
    static final class TwoParams extends Module {
        final Tensor w, b;

        TwoParams(NDArray w, NDArray b) {
            this.w = registerParameter("w", w.copy());
            this.b = registerParameter("b", b.copy(), false);
        }
    }

    @AfterEach
    void restoreBackend() {
        if (previous != null) Backends.setCpu(previous);
    }

    private void useKernels(String kernels) {
        previous = Backends.setCpu(kernels.equals("scalar") ? CpuBackend.scalar() : CpuBackend.simd());
    }

    private static SafeTensors.Contents golden(String name) throws IOException {
        String resource = "/golden/optim/" + name + ".safetensors";
        try (InputStream in = OptimGoldenTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing " + resource + "; run python3 reference/golden_optim.py");
            return SafeTensors.read(in.readAllBytes(), "golden/optim/" + name + ".safetensors");
        }
    }

    /** Replays the stored steps; after each kept step compares parameters and buffers. */
    private static void replay(SafeTensors.Contents g, Function<TwoParams, Optimizer> make, List<String> buffers) {
        TwoParams model = new TwoParams(g.get("w"), g.get("b"));
        Optimizer opt = make.apply(model);
        int steps = Integer.parseInt(g.metadata().get("steps"));
        List<String> kept = List.of(g.metadata().get("kept").split(","));
        int compared = 0;
        for (int k = 1; k <= steps; k++) {
            opt.zeroGrad();
            // d/dw sum(w * G) = G exactly: this is how a stored gradient reaches a leaf
            model.w.mul(Tensor.of(g.get("grad_w_" + k))).sum()
                    .add(model.b.mul(Tensor.of(g.get("grad_b_" + k))).sum()).backward();
            opt.step();
            if (!kept.contains(Integer.toString(k))) continue;
            assertClose(g, "w_" + k, model.w.value());
            assertClose(g, "b_" + k, model.b.value());
            for (String buf : buffers) {
                assertClose(g, buf + "_w_" + k, opt.buffer(buf, "w"));
                assertClose(g, buf + "_b_" + k, opt.buffer(buf, "b"));
            }
            compared++;
        }
        assertTrue(compared >= 2, "the golden file keeps at least two steps");
    }

    private static void assertClose(SafeTensors.Contents g, String name, NDArray actual) {
        NDArray ref = g.get(name);
        assertNotNull(actual, name + ": jvit has no such buffer");
        assertArrayEquals(ref.shape(), actual.shape(), name + ": shape " + Shape.str(actual.shape()));
        float[] r = ref.toFloatArray(), a = actual.toFloatArray();
        double diff = 0, norm = 0;
        for (int i = 0; i < r.length; i++) {
            diff += ((double) a[i] - r[i]) * ((double) a[i] - r[i]);
            norm += (double) r[i] * r[i];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(rel < TOL, String.format(Locale.ROOT, "%s '%s': relative error %.3e >= %.0e (metadata %s)",
                g.source(), name, rel, TOL, g.metadata()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void adamwMatchesPyTorch(String kernels) throws IOException {
        useKernels(kernels);
        replay(golden("adamw"), m -> new AdamW(ParamGroup.splitByDecay(m, 0.1), 1e-2, 0.9, 0.999, 1e-8),
                List.of("exp_avg", "exp_avg_sq"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void adamMatchesPyTorch(String kernels) throws IOException {
        useKernels(kernels);
        replay(golden("adam"), m -> new Adam(ParamGroup.splitByDecay(m, 0.1), 1e-2, 0.8, 0.95, 1e-8),
                List.of("exp_avg", "exp_avg_sq"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void sgdMomentumMatchesPyTorch(String kernels) throws IOException {
        useKernels(kernels);
        replay(golden("sgd_momentum"), m -> new SGD(ParamGroup.splitByDecay(m, 0.01), 0.1, 0.9, 0.1, false),
                List.of("momentum_buffer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void sgdNesterovMatchesPyTorch(String kernels) throws IOException {
        useKernels(kernels);
        replay(golden("sgd_nesterov"), m -> new SGD(ParamGroup.splitByDecay(m, 0.01), 0.1, 0.9, 0, true),
                List.of("momentum_buffer"));
    }
}
