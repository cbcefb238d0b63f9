package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.Module;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.io.SafeTensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One golden file of reference/golden_layers.py: PyTorch parameters under state-dict names prefixed
 * "param.", the input x, upstream grad_out, output out, and gradients grad_x and "grad.NAME". Compares with
 * the relative error ‖a − b‖ / ‖b‖: below 1e-5 for outputs, 1e-4 for gradients.
 */
public final class LayerGolden {
    public static final double FORWARD_TOL = 1e-5;
    public static final double GRAD_TOL = 1e-4;

    private final SafeTensors.Contents contents;

    private LayerGolden(SafeTensors.Contents contents) {
        this.contents = contents;
    }

    public static LayerGolden load(String name) {
        String resource = "/golden/layers/" + name + ".safetensors";
        try (InputStream in = LayerGolden.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing golden file " + resource + "; run python3 reference/golden_layers.py");
            return new LayerGolden(SafeTensors.read(in.readAllBytes(), "golden/layers/" + name + ".safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NDArray array(String name) {
        return contents.get(name);
    }

    /** The parameters with their PyTorch names, ready for {@link Module#loadStateDict}. */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (var e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith("param.")) out.put(e.getKey().substring("param.".length()), e.getValue());
        }
        return out;
    }

    /** Loads the file's parameters into m, strictly: every name must match both ways. */
    public <M extends Module> M loadInto(M m) {
        m.loadStateDict(stateDict(), true);
        return m;
    }

    /** The stored input as a leaf requiring a gradient. */
    public Tensor input() {
        return Tensor.param(array("x"));
    }

    public void backward(Tensor out) {
        out.backward(array("grad_out"));
    }

    public void assertForward(Tensor out) {
        assertClose("out", out.value(), FORWARD_TOL);
    }

    /** Every parameter of m against "grad.NAME", and x against grad_x when x is given. */
    public void assertGrads(Module m, Tensor x) {
        for (Parameter p : m.namedParameters()) {
            if (p.tensor().grad() == null) fail(contents.source() + ": no gradient reached " + p.name());
            assertClose("grad." + p.name(), p.tensor().grad(), GRAD_TOL);
        }
        if (x != null) {
            if (x.grad() == null) fail(contents.source() + ": no gradient reached the input");
            assertClose("grad_x", x.grad(), GRAD_TOL);
        }
    }

    public void assertClose(String refName, NDArray actual, double tol) {
        NDArray ref = array(refName);
        assertArrayEquals(ref.shape(), actual.shape(), () -> contents.source() + " '" + refName + "': jvit's shape "
                + Shape.str(actual.shape()) + " differs from PyTorch's " + Shape.str(ref.shape()));
        float[] r = ref.toFloatArray(), a = actual.toFloatArray();
        double diff2 = 0, ref2 = 0;
        for (int i = 0; i < r.length; i++) {
            double d = (double) a[i] - r[i];
            diff2 += d * d;
            ref2 += (double) r[i] * r[i];
        }
        double rel = ref2 == 0 ? Math.sqrt(diff2) : Math.sqrt(diff2 / ref2);
        if (!(rel < tol)) {
            fail(String.format(Locale.ROOT, "%s '%s': jvit differs from PyTorch, relative error %.3e >= %.0e; metadata %s",
                    contents.source(), refName, rel, tol, contents.metadata()));
        }
    }
}
