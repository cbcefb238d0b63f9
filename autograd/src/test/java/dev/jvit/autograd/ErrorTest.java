package dev.jvit.autograd;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.param;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input reaches the user as a clear error naming the problem, whether NDArray or autograd finds it. */
class ErrorTest {

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Test
    void shapeErrorsFromTheArrayLayerPropagate() {
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 3).matmul(param(2, 4, 5))), "[2,3]", "[4,5]");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 3).add(param(2, 4, 3))), "[2,3]", "[4,3]", "broadcast");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 3).reshape(4, 2)), "[2,3]", "[4,2]");
        assertMentions(assertThrows(IllegalStateException.class,
                () -> param(1, 2, 3).mT().view(6)), "contiguous");
        assertMentions(assertThrows(IndexOutOfBoundsException.class,
                () -> param(1, 2, 3).select(1, 3)), "index 3");
        assertMentions(assertThrows(IndexOutOfBoundsException.class,
                () -> param(1, 2, 3).sum(2)), "dimension 2");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 3).expand(2, 4)), "expand");
    }

    @Test
    void indexErrors() {
        Tensor ids = Tensor.of(NDArray.ofInts(new int[] {0, 5}, 2));
        assertMentions(assertThrows(IndexOutOfBoundsException.class,
                () -> param(1, 4, 3).indexSelect(0, ids)), "5", "size 4");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 4, 3).indexSelect(0, Tensor.of(NDArray.ones(2)))), "INT32");
    }

    @Test
    void layerNormParameterShapes() {
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 8).layerNorm(param(2, 5), null, 1e-5f)), "weight", "[8]", "[5]");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 2, 8).layerNorm(null, param(2, 8, 1), 1e-5f)), "bias", "[8,1]");
    }

    @Test
    void argumentErrors() {
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> param(1, 3).dropout(1.5f, new Generator(1), true)), "1.5");
        assertMentions(assertThrows(IllegalStateException.class, () -> param(1, 3).mT()), "2 dimensions");
        assertMentions(assertThrows(NullPointerException.class,
                () -> Function.apply(new dev.jvit.autograd.ops.Add(), param(1, 3), null)), "input 1");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Tensor.concat(0)), "at least one");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Tensor.stack(0, param(1, 3), param(2, 4))), "[3]", "[4]");
    }
}
