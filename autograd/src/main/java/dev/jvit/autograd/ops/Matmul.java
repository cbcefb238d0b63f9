package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Matrix product with PyTorch's rules. a is (..., M, K), b is (..., K, N), batch dimensions broadcast,
 * y is (..., M, N); da = g · bᵀ and db = aᵀ · g, each in the broadcast batch shape (the engine sums the
 * batch dimensions an input was broadcast along). A 1-D a is a row (1, K) and a 1-D b a column (K, 1) whose
 * added dimension is dropped from y; backward puts it back, multiplies, and drops it from the gradient.
 * Transposes are strided views the GEMM reads in place.
 */
public final class Matmul extends Function {
    private boolean aVector, bVector;

    @Override
    protected NDArray forward(NDArray... x) {
        aVector = x[0].rank() == 1;
        bVector = x[1].rank() == 1;
        save(x[0], x[1]);
        return x[0].matmul(x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray a = aVector ? saved(0).unsqueeze(0) : saved(0);
        NDArray b = bVector ? saved(1).unsqueeze(1) : saved(1);
        // undo the squeezes in reverse order: b's column went last
        NDArray g2 = bVector ? g.unsqueeze(-1) : g;
        if (aVector) g2 = g2.unsqueeze(-2);
        NDArray da = null, db = null;
        if (needsInputGrad(0)) {
            da = g2.matmul(b.mT());
            if (aVector) da = da.squeeze(-2);
        }
        if (needsInputGrad(1)) {
            db = a.mT().matmul(g2);
            if (bVector) db = db.squeeze(-1);
        }
        return new NDArray[] {da, db};
    }
}
