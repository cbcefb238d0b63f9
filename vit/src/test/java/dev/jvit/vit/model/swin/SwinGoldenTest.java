package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * jvit's Swin against PyTorch: reference/golden_swin.py builds the same small model (reference/zoo_swin.py, timm's
 * layout) with random weights and writes its state dict, a batch, the logits and the gradient of every parameter
 * and of the images (vit/src/test/resources/golden/swin_golden.safetensors). The state dict loads by name, strictly.
 */
class SwinGoldenTest {
    /** The script's CONFIG: padding, a shifted block with its mask, a merge, a whole-map window. */
    static final SwinConfig CONFIG = new SwinConfig("golden-swin", 14, 16, 2, 2, 8, List.of(2, 2), List.of(2, 4), 4,
            2.0, 5, 0f, 1e-5f);

    private static double relErr(NDArray got, NDArray want) {
        float[] a = got.toFloatArray(), b = want.toFloatArray();
        assertEquals(b.length, a.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void logitsAndGradientsMatchPyTorch() throws Exception {
        Map<String, NDArray> file = SafeTensors.load(Path.of(getClass().getResource("/golden/swin_golden.safetensors").toURI()));
        SwinTransformer model = new SwinTransformer(CONFIG, new Generator(0));
        Map<String, NDArray> state = new HashMap<>();
        for (var e : file.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("input.") && !k.startsWith("output.") && !k.startsWith("grad.")) state.put(k, e.getValue());
        }
        model.loadStateDict(state, true);
        model.eval();
        Tensor images = Tensor.param(file.get("input.images"));
        Tensor logits = model.forward(images);
        double e = relErr(logits.value(), file.get("output.logits"));
        assertTrue(e < 1e-5, "logits relative error " + e);

        logits.backward(file.get("input.upstream"));
        e = relErr(images.grad(), file.get("grad.images"));
        assertTrue(e < 1e-4, "image gradient relative error " + e);
        for (Parameter p : model.namedParameters()) {
            NDArray want = file.get("grad." + p.name());
            assertNotNull(want, "no golden gradient for " + p.name());
            e = relErr(p.tensor().grad(), want);
            assertTrue(e < 1e-4, p.name() + " gradient relative error " + e);
        }
    }
}
