package dev.jvit.nn.golden;

import dev.jvit.autograd.Tensor;
import org.junit.jupiter.api.Test;

/**
 * timm-style multi-head self-attention composed from primitives against PyTorch: x (B=2,N=5,C=8) → qkv
 * Linear → (3,B,H,N,D) with H=2 → softmax(q·kᵀ/√D) → ·v → merge heads → proj. Checks the attention
 * probabilities, the output, and the gradients of x and of all four weights, so a wrong permute, reshape,
 * transpose or un-broadcast anywhere in the chain shows up.
 */
class AttentionGoldenTest {

    @Test
    void attentionFromPrimitives() {
        Golden g = Golden.load("attention");
        int b = 2, n = 5, c = 8, h = 2, d = c / h;
        Tensor x = g.param("x");
        Tensor qkvW = g.param("qkv_weight"), qkvB = g.param("qkv_bias"); // (3C,C), (3C)
        Tensor projW = g.param("proj_weight"), projB = g.param("proj_bias"); // (C,C), (C)

        Tensor qkv = x.matmul(qkvW.mT()).add(qkvB)          // (B,N,3C)
                .reshape(b, n, 3, h, d).permute(2, 0, 3, 1, 4); // (3,B,H,N,D)
        Tensor q = qkv.select(0, 0), k = qkv.select(0, 1), v = qkv.select(0, 2);
        Tensor attn = q.matmul(k.transpose(-2, -1)).mul((float) (1.0 / Math.sqrt(d))).softmax(); // (B,H,N,N)
        Tensor y = attn.matmul(v).transpose(1, 2).reshape(b, n, c); // (B,N,C)
        Tensor out = y.matmul(projW.mT()).add(projB);

        g.assertForward("attn", attn);
        g.assertForward("out", out);
        g.backward(out, "grad_out");
        g.assertGrad("grad_x", x);
        g.assertGrad("grad_qkv_weight", qkvW);
        g.assertGrad("grad_qkv_bias", qkvB);
        g.assertGrad("grad_proj_weight", projW);
        g.assertGrad("grad_proj_bias", projB);
    }
}
