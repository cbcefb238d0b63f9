package dev.jvit.nn.golden;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.backend.GeluApproximation;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

/**
 * The fused ops against PyTorch (files from reference/make_golden.py): softmax (also on logits far beyond
 * exp's float32 range), log-softmax, layer norm at two epsilons, both GELUs, and cross-entropy composed
 * from log-softmax and gather with PyTorch's int64 labels.
 */
class FusedGoldenTest {

    private static void unary(String file, UnaryOperator<Tensor> f) {
        Golden g = Golden.load(file);
        Tensor x = g.param("x");
        Tensor out = f.apply(x);
        g.assertForward("out", out);
        g.backward(out, "grad_out");
        g.assertGrad("grad_x", x);
    }

    @Test
    void softmax() {
        unary("softmax", Tensor::softmax);
    }

    @Test
    void softmaxOfLargeLogits() {
        unary("softmax_shifted", Tensor::softmax);
    }

    @Test
    void logSoftmax() {
        unary("log_softmax", Tensor::logSoftmax);
    }

    @Test
    void geluExact() {
        unary("gelu_exact", x -> x.gelu(GeluApproximation.NONE));
    }

    @Test
    void geluTanh() {
        unary("gelu_tanh", x -> x.gelu(GeluApproximation.TANH));
    }

    private static void layerNorm(String file, float eps) {
        Golden g = Golden.load(file);
        Tensor x = g.param("x"), w = g.param("weight"), b = g.param("bias"); // (2,5,8), (8), (8)
        Tensor out = x.layerNorm(w, b, eps);
        g.assertForward("out", out);
        g.backward(out, "grad_out");
        g.assertGrad("grad_x", x);
        g.assertGrad("grad_weight", w);
        g.assertGrad("grad_bias", b);
    }

    @Test
    void layerNormEps1em5() {
        layerNorm("layer_norm_eps1e-5", 1e-5f);
    }

    @Test
    void layerNormEps1em6() {
        layerNorm("layer_norm_eps1e-6", 1e-6f);
    }

    @Test
    void crossEntropyFromLogSoftmaxAndGather() {
        Golden g = Golden.load("cross_entropy");
        Tensor logits = g.param("logits"); // (6,10)
        Tensor labels = Tensor.of(g.array("labels").reshape(-1, 1)); // stored as I64, read as INT32
        Tensor loss = logits.logSoftmax().gather(1, labels).mean().neg();
        g.assertForward("out", loss);
        loss.backward();
        g.assertGrad("grad_logits", logits);
    }
}
