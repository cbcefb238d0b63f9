package dev.jvit.autograd;

import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.normal;
import static dev.jvit.autograd.Data.param;
import static dev.jvit.autograd.ElementwiseGradTest.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Gradient checks of the movement and indexing ops; a tanh after each gives every element its own weight. */
class MovementGradTest {

    @Test
    void reshapes() {
        check("reshape", x -> x[0].reshape(4, -1).tanh(), param(1, 2, 3, 4));
        check("reshape of transposed (copies)", x -> x[0].mT().reshape(-1).tanh(), param(1, 3, 4));
        check("view", x -> x[0].view(6, 4).tanh(), param(1, 2, 3, 4));
        check("flatten", x -> x[0].flatten().tanh(), param(1, 2, 3, 4));
        check("flatten 1..2", x -> x[0].flatten(1, 2).tanh(), param(1, 2, 3, 4));
        check("squeeze dim", x -> x[0].squeeze(1).tanh(), param(1, 3, 1, 4));
        check("squeeze all", x -> x[0].squeeze().tanh(), param(1, 1, 3, 1, 4));
        check("unsqueeze", x -> x[0].unsqueeze(-1).mul(x[1]), param(1, 3, 4), param(2, 3, 4, 2));
    }

    @Test
    void permutations() {
        check("permute", x -> x[0].permute(2, 0, 1).mul(x[1]), param(1, 2, 3, 4), param(2, 4, 2, 3));
        check("transpose", x -> x[0].transpose(0, 2).mul(x[1]), param(1, 2, 3, 4), param(2, 4, 3, 2));
        check("mT", x -> x[0].mT().mul(x[1]), param(1, 2, 3, 4), param(2, 2, 4, 3));
        check("contiguous of transposed", x -> x[0].mT().contiguous().mul(x[1]), param(1, 3, 4), param(2, 4, 3));
    }

    @Test
    void expand() {
        check("expand", x -> x[0].expand(2, 3, 4).mul(x[1]), param(1, 3, 1), param(2, 2, 3, 4));
        check("expand -1", x -> x[0].expand(5, -1).tanh(), param(1, 4));
    }

    @Test
    void slicing() {
        check("slice step 2", x -> x[0].slice(1, 0, 7, 2).tanh(), param(1, 3, 7));
        check("slice negative start", x -> x[0].slice(0, -3, 5).tanh(), param(1, 5, 2));
        check("slice step 3 of transposed", x -> x[0].mT().slice(0, 1, 8, 3).tanh(), param(1, 4, 8));
        check("narrow", x -> x[0].narrow(1, 1, 3).tanh(), param(1, 2, 5));
        check("select", x -> x[0].select(1, -1).tanh(), param(1, 2, 5, 3));
        check("select twice", x -> x[0].select(0, 1).select(0, 2).tanh(), param(1, 2, 5, 3));
    }

    @Test
    void concatAndStack() {
        Tensor constant = Tensor.of(normal(9, 2, 2));
        check("concat", x -> Tensor.concat(1, x[0], constant, x[1]).tanh(), param(1, 2, 3), param(2, 2, 4));
        check("concat dim 0", x -> Tensor.concat(0, x[0], x[1].mT()).tanh(), param(1, 2, 3), param(2, 3, 1));
        check("stack", x -> Tensor.stack(1, x[0], x[1]).tanh(), param(1, 2, 3), param(2, 2, 3));
    }

    @Test
    void indexing() {
        Tensor ids = Tensor.of(NDArray.ofInts(new int[] {2, 0, 2, 1, 2}, 5));
        check("indexSelect rows (embedding, repeated ids)", x -> x[0].indexSelect(0, ids).tanh(), param(1, 4, 3));
        Tensor cols = Tensor.of(NDArray.ofInts(new int[] {1, 1, 0}, 3));
        check("indexSelect dim 1", x -> x[0].indexSelect(1, cols).tanh(), param(1, 2, 3, 2));
        Tensor g = Tensor.of(NDArray.ofInts(new int[] {0, 2, 2, 1, 1, 1}, 2, 3));
        check("gather dim 1", x -> x[0].gather(1, g).tanh(), param(1, 2, 4));
        Tensor labels = Tensor.of(NDArray.ofInts(new int[] {3, 0}, 2, 1));
        check("gather of log-softmax (cross-entropy)", x -> x[0].logSoftmax().gather(1, labels), param(1, 2, 4));
    }

    @Test
    void embeddingGradientAccumulatesRepeatedRows() {
        Tensor table = Tensor.param(NDArray.zeros(3, 2));
        table.indexSelect(0, Tensor.of(NDArray.ofInts(new int[] {1, 1, 2}, 3))).sum().backward();
        assertArrayEquals(new float[] {0, 0, 2, 2, 1, 1}, table.grad().toFloatArray());
    }

    @Test
    void contiguousOfContiguousIsTheSameTensor() {
        Tensor x = param(1, 2, 3);
        assertSame(x, x.contiguous());
        assertSame(x, x.to(dev.jvit.core.Device.CPU));
    }
}
