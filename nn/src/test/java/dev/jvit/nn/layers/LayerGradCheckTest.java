package dev.jvit.nn.layers;

import dev.jvit.autograd.GradCheck;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.Sequential;
import dev.jvit.nn.functional.AttentionMask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jvit.nn.layers.TestData.input;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central-difference gradient checks of every layer with respect to its input and every parameter. The
 * parameters are passed to GradCheck as extra inputs: it perturbs them in place, and the layer reads them.
 */
class LayerGradCheckTest {

    private static void check(Module layer, Tensor x, GradCheck gc) {
        List<Tensor> inputs = new ArrayList<>();
        if (x.requiresGrad()) inputs.add(x);
        inputs.addAll(layer.parameters());
        GradCheck.Report r = gc.check(inputs.toArray(new Tensor[0]));
        assertTrue(r.elementsChecked() >= layer.parameterCount(), r::toString);
    }

    private static <L extends Module & Layer> void check(String name, L layer, Tensor x) {
        check(layer, x, GradCheck.of(name, t -> layer.forward(x)));
    }

    @Test
    void linear() {
        check("linear", new Linear(5, 3, new Generator(1)), input(2, 2, 4, 5));
        check("linear no bias", new Linear(5, 3, false, new Generator(1)), input(2, 3, 5));
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(6, 1e-5f);
        ln.weight().value().copyFrom(TestData.normal(3, 0.3f, 6).add(1f)); // away from the trivial 1 and 0
        ln.bias().value().copyFrom(TestData.normal(4, 0.3f, 6));
        check("layerNorm", ln, input(5, 2, 3, 6));
    }

    @Test
    void activations() {
        check("gelu exact", new Gelu(), input(6, 3, 5));
        check("gelu tanh", new Gelu(GeluApproximation.TANH), input(7, 3, 5));
        float[] v = TestData.normal(8, 1f, 3, 5).toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.copySign(0.2f + Math.abs(v[i]), v[i]); // off relu's kink
        check("relu", new Relu(), Tensor.param(dev.jvit.core.NDArray.of(v, 3, 5)));
    }

    @Test
    void conv2dWithStrideAndPadding() {
        check("conv2d s2 p1", new Conv2d(2, 3, 3, 2, 1, true, new Generator(9)), input(10, 2, 2, 5, 6));
        check("conv2d k2 s1 p0", new Conv2d(2, 2, 2, 1, 0, false, new Generator(11)), input(12, 1, 2, 4, 3));
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(6, 3, new Generator(13));
        Tensor ids = Tensor.of(dev.jvit.core.NDArray.ofInts(new int[] {0, 5, 5, 2}, 2, 2));
        check("embedding", e, ids);
    }

    @Test
    void attentionWithAndWithoutMask() {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(6, 2, new Generator(14));
        Tensor x = input(15, 2, 4, 6);
        check("mhsa", a, x);
        float[] causal = new float[16];
        for (int i = 0; i < 4; i++) for (int j = 0; j <= i; j++) causal[i * 4 + j] = 1f;
        AttentionMask m = AttentionMask.allow(Tensor.of(causal, 4, 4));
        check(a, x, GradCheck.of("mhsa causal", t -> a.forward(x, m)));
    }

    @Test
    void mlpAndBlock() {
        check("mlp", new Mlp(4, 8, new Generator(16)), input(17, 2, 3, 4));
        TransformerEncoderBlock b = new TransformerEncoderBlock(BlockConfig.of(4, 2).withNormEps(1e-5f), new Generator(18));
        check("block", b, input(19, 2, 3, 4));
    }

    /** Training with dropout, the MLP's fused GELU-dropout gives what its layers give one after another. */
    @Test
    void mlpWithDropoutIsItsLayersInOrder() {
        Mlp mlp = new Mlp(4, 8, 4, GeluApproximation.NONE, 0.3f, new Generator(30));
        Gelu act = (Gelu) mlp.children().get("act");
        Dropout drop1 = (Dropout) mlp.children().get("drop1"), drop2 = (Dropout) mlp.children().get("drop2");
        long state1 = drop1.generator().state(), state2 = drop2.generator().state();
        Tensor x = input(31, 2, 3, 4);
        Tensor fused = mlp.forward(x);
        fused.sum().backward();
        float[] fusedGrad = mlp.fc1().weight().grad().toFloatArray();
        mlp.zeroGrad();
        drop1.generator().setState(state1);
        drop2.generator().setState(state2);
        Tensor layers = drop2.forward(mlp.fc2().forward(drop1.forward(act.forward(mlp.fc1().forward(x)))));
        layers.sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(layers.toFloatArray(), fused.toFloatArray());
        org.junit.jupiter.api.Assertions.assertArrayEquals(mlp.fc1().weight().grad().toFloatArray(), fusedGrad);
    }

    @Test
    void sequential() {
        Generator g = new Generator(20);
        Sequential s = Sequential.of(new Linear(3, 5, g), new Gelu(), new Linear(5, 2, g));
        check("sequential", s, input(21, 4, 3));
    }

    @Test
    void dropoutAndDropPathWithAFixedMask() {
        // a fresh generator per call, so every evaluation of GradCheck sees the same mask
        Tensor x = input(22, 4, 3, 2);
        GradCheck.check("dropout", t -> new Dropout(0.4f, new Generator(5)).forward(t[0]), x);
        GradCheck.check("dropPath", t -> new DropPath(0.5f, new Generator(6)).forward(t[0]), x);
    }
}
