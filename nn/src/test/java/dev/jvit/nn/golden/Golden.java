package dev.jvit.nn.golden;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.io.SafeTensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Loads a PyTorch golden file (written by reference/make_golden.py into src/test/resources/golden/) and
 * compares jvit's arrays against it with the relative error ‖out − ref‖ / ‖ref‖ that llm.c's tests use.
 * A failure message carries the figures needed to report the mismatch: the error, the worst element and
 * the file's metadata. Run with -Djvit.golden.verbose=true to print every comparison's error.
 */
final class Golden {
    /** Forward outputs: the reference is float64 rounded to float32, so this leaves room for float32 math. */
    static final double FORWARD_TOL = 1e-5;
    /** Gradients go through more float32 operations (a forward recomputation plus the backward). */
    static final double GRAD_TOL = 1e-4;

    private static final boolean VERBOSE = Boolean.getBoolean("jvit.golden.verbose");

    private final SafeTensors.Contents contents;

    private Golden(SafeTensors.Contents contents) {
        this.contents = contents;
    }

    static Golden load(String name) {
        String resource = "/golden/" + name + ".safetensors";
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing golden file " + resource + "; run python3 reference/make_golden.py");
            return new Golden(SafeTensors.read(in.readAllBytes(), "golden/" + name + ".safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    NDArray array(String name) {
        return contents.get(name);
    }

    /** A leaf that requires a gradient, holding the stored input. */
    Tensor param(String name) {
        return Tensor.param(array(name));
    }

    /** A constant holding the stored array. */
    Tensor constant(String name) {
        return Tensor.of(array(name));
    }

    /** Runs backward from out with the stored upstream gradient of that name. */
    void backward(Tensor out, String upstreamName) {
        out.backward(array(upstreamName));
    }

    void assertForward(String refName, Tensor actual) {
        assertClose(refName, actual.value(), FORWARD_TOL);
    }

    void assertGrad(String refName, Tensor leaf) {
        if (leaf.grad() == null) fail(where(refName) + ": jvit computed no gradient for this input");
        assertClose(refName, leaf.grad(), GRAD_TOL);
    }

    void assertClose(String refName, NDArray actual, double tol) {
        NDArray ref = array(refName);
        assertArrayEquals(ref.shape(), actual.shape(), () -> where(refName) + ": jvit's shape "
                + Shape.str(actual.shape()) + " differs from PyTorch's " + Shape.str(ref.shape()));
        float[] r = ref.toFloatArray(), a = actual.toFloatArray();
        double diff2 = 0, ref2 = 0, worst = -1;
        int worstAt = -1;
        for (int i = 0; i < r.length; i++) {
            double d = (double) a[i] - r[i];
            diff2 += d * d;
            ref2 += (double) r[i] * r[i];
            // NaN compares false with everything: record it as the worst element explicitly
            if (Double.isNaN(d) || Math.abs(d) > worst) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.abs(d);
                worstAt = i;
            }
        }
        double rel = ref2 == 0 ? Math.sqrt(diff2) : Math.sqrt(diff2 / ref2);
        if (VERBOSE) {
            System.out.printf(Locale.ROOT, "%-45s %-24s rel err %.3e (tol %.0e)%n", contents.source(), refName, rel, tol);
        }
        if (!(rel < tol)) {
            fail(String.format(Locale.ROOT,
                    "%s: jvit differs from PyTorch: relative error %.3e >= %.0e; worst element at flat index %d "
                            + "(of shape %s): jvit %s vs PyTorch %s; metadata %s",
                    where(refName), rel, tol, worstAt, Shape.str(ref.shape()), a[worstAt], r[worstAt],
                    contents.metadata()));
        }
    }

    private String where(String refName) {
        return contents.source() + " '" + refName + "'";
    }

    @Override
    public String toString() {
        return contents.source() + " " + Arrays.toString(contents.tensors().keySet().toArray());
    }
}
