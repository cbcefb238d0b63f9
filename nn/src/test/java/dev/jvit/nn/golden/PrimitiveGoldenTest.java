package dev.jvit.nn.golden;

import dev.jvit.autograd.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

/**
 * The primitive ops against PyTorch (files from reference/make_golden.py): matmul with and without batch
 * broadcasting, broadcasting add/mul/div (the engine's un-broadcasting of gradients), reductions and
 * elementwise unary ops. Each checks the forward output and the gradient of every input for a random
 * upstream gradient.
 */
class PrimitiveGoldenTest {

    private static void matmul(String file) {
        Golden g = Golden.load(file);
        Tensor a = g.param("a"), b = g.param("b");
        Tensor out = a.matmul(b);
        g.assertForward("out", out);
        g.backward(out, "grad_out");
        g.assertGrad("grad_a", a);
        g.assertGrad("grad_b", b);
    }

    @Test
    void matmul2d() {
        matmul("matmul_2d");
    }

    @Test
    void matmulBatchedWithBroadcastBatchDims() {
        matmul("matmul_batched_broadcast");
    }

    @Test
    void broadcastingAddMulDiv() {
        Golden g = Golden.load("broadcast_binary");
        for (String op : new String[] {"add", "mul", "div"}) {
            Tensor a = g.param("a"), b = g.param("b"); // (3,1,4) and (5,4) -> (3,5,4)
            Tensor out = switch (op) {
                case "add" -> a.add(b);
                case "mul" -> a.mul(b);
                default -> a.div(b);
            };
            g.assertForward("out_" + op, out);
            g.backward(out, "grad_out_" + op);
            g.assertGrad("grad_a_" + op, a);
            g.assertGrad("grad_b_" + op, b);
        }
    }

    private static void reduction(Golden g, String op, UnaryOperator<Tensor> f) {
        Tensor x = g.param("x"); // (3,4,5)
        Tensor out = f.apply(x);
        g.assertForward("out_" + op, out);
        g.backward(out, "grad_out_" + op);
        g.assertGrad("grad_x_" + op, x);
    }

    @Test
    void reductions() {
        Golden g = Golden.load("reductions");
        reduction(g, "sum_d1", x -> x.sum(1));
        reduction(g, "sum_all", x -> x.sum());
        reduction(g, "mean_d02", x -> x.mean(0, 2));
        reduction(g, "mean_d2_keepdim", x -> x.mean(true, 2));
        reduction(g, "max_d2", x -> x.max(2));
        reduction(g, "var_d1", x -> x.var(1));
        reduction(g, "var_d12_population", x -> x.var(0, false, 1, 2));
    }

    private static void unary(Golden g, String op, String input, UnaryOperator<Tensor> f) {
        Tensor x = g.param(input); // (4,6)
        Tensor out = f.apply(x);
        g.assertForward("out_" + op, out);
        g.backward(out, "grad_out_" + op);
        g.assertGrad("grad_x_" + op, x);
    }

    @Test
    void unaryOps() {
        Golden g = Golden.load("unary");
        unary(g, "exp", "x", Tensor::exp);
        unary(g, "log", "x_pos", Tensor::log);
        unary(g, "tanh", "x", Tensor::tanh);
        unary(g, "erf", "x", Tensor::erf);
        unary(g, "sigmoid", "x", Tensor::sigmoid);
        unary(g, "relu", "x", Tensor::relu);
    }
}
