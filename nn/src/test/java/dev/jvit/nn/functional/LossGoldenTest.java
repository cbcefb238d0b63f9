package dev.jvit.nn.functional;

import dev.jvit.autograd.Tensor;
import dev.jvit.nn.layers.LayerGolden;
import org.junit.jupiter.api.Test;

import static dev.jvit.nn.layers.LayerGolden.FORWARD_TOL;
import static dev.jvit.nn.layers.LayerGolden.GRAD_TOL;

/**
 * cross_entropy (label smoothing 0.1, ignore_index -100 on two of seven rows, every reduction, and soft
 * targets) and mse_loss against PyTorch (reference/golden_layers.py).
 */
class LossGoldenTest {

    @Test
    void crossEntropyWithSmoothingAndIgnoreIndex() {
        LayerGolden g = LayerGolden.load("cross_entropy");
        for (Reduction r : Reduction.values()) {
            String s = r.name().toLowerCase();
            Tensor logits = Tensor.param(g.array("logits"));
            Tensor loss = Functional.crossEntropy(logits, Tensor.of(g.array("labels")), 0.1f, -100, r);
            g.assertClose("out_" + s, loss.value(), FORWARD_TOL);
            loss.backward(g.array("grad_out_" + s));
            g.assertClose("grad_logits_" + s, logits.grad(), GRAD_TOL);
        }
    }

    @Test
    void crossEntropyWithSoftTargets() {
        LayerGolden g = LayerGolden.load("cross_entropy");
        Tensor logits = Tensor.param(g.array("logits"));
        Tensor loss = Functional.crossEntropy(logits, Tensor.of(g.array("soft_targets")), 0.1f, -100, Reduction.MEAN);
        g.assertClose("out_soft", loss.value(), FORWARD_TOL);
        loss.backward();
        g.assertClose("grad_logits_soft", logits.grad(), GRAD_TOL);
    }

    @Test
    void mse() {
        LayerGolden g = LayerGolden.load("mse");
        for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
            String s = r.name().toLowerCase();
            Tensor pred = Tensor.param(g.array("pred")), target = Tensor.param(g.array("target"));
            Tensor loss = Functional.mse(pred, target, r);
            g.assertClose("out_" + s, loss.value(), FORWARD_TOL);
            loss.backward();
            g.assertClose("grad_pred_" + s, pred.grad(), GRAD_TOL);
            g.assertClose("grad_target_" + s, target.grad(), GRAD_TOL);
        }
    }
}
