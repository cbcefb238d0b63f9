package dev.jvit.vit.cli;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.nn.io.SafeTensors;
import dev.jvit.vit.io.Npy;
import dev.jvit.vit.model.PositionEmbedding;
import dev.jvit.vit.model.ViTConfig;
import dev.jvit.vit.model.VisionTransformer;
import dev.jvit.vit.viz.AttentionRollout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * jvit infer against PyTorch: reference/golden_vit.py builds a timm-layout ViT with random weights and writes its
 * state dict, a batch of images and the logits (vit/src/test/resources/golden/).
 */
class InferCommandTest {
    /** The golden model, as the script's vit_golden_config.json describes it. */
    static final ViTConfig GOLDEN = new ViTConfig("golden-vit", 32, 3, 8, 32, 2, 2, 64, 10, 0f, 0f, 0f,
            PositionEmbedding.LEARNED, true, false, true, 1e-6f);

    static Path golden(String name) {
        try {
            return Path.of(InferCommandTest.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double relErr(float[] a, float[] ref) {
        assertEquals(ref.length, a.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - (double) ref[i]) * (a[i] - (double) ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void commandLineMatchesPyTorchLogits(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("logits.npy");
        TinyRun.Captured r = TinyRun.cli("infer", "--config", golden("vit_golden_config.json").toString(),
                "--weights", golden("vit_golden_weights.safetensors").toString(),
                "--images", golden("vit_golden_images.npy").toString(), "--out", out.toString(), "--batch-size", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("golden-vit: 4 images -> logits [4,10] written to "), r.out());
        NDArray logits = Npy.read(out), ref = Npy.read(golden("vit_golden_logits.npy"));
        assertArrayEquals(new int[] {4, 10}, logits.shape());
        double err = relErr(logits.toFloatArray(), ref.toFloatArray());
        assertTrue(err < 1e-5, "relative error " + err);
    }

    @Test
    void configFileIsTheRecordTheTestBuildsAndBothPatchEmbeddingsAgree() throws IOException {
        assertEquals(GOLDEN, ConfigSource.resolve(golden("vit_golden_config.json").toString()));
        Map<String, NDArray> state = SafeTensors.load(golden("vit_golden_weights.safetensors"));
        NDArray images = Npy.read(golden("vit_golden_images.npy"));
        float[] ref = Npy.read(golden("vit_golden_logits.npy")).toFloatArray();
        for (boolean conv : new boolean[] {true, false}) {
            VisionTransformer m = InferCommand.load(GOLDEN.withConvPatchEmbed(conv), state, null, "golden");
            double err = relErr(InferCommand.infer(m, images, 64, Device.CPU, "golden").toFloatArray(), ref);
            assertTrue(err < 1e-5, (conv ? "conv" : "patchify") + " relative error " + err);
        }
    }

    @Test
    void attentionRolloutMatchesPyTorch() throws IOException {
        VisionTransformer m = InferCommand.load(GOLDEN, SafeTensors.load(golden("vit_golden_weights.safetensors")), null, "golden");
        NDArray images = Npy.read(golden("vit_golden_images.npy"));
        float[] ref = Npy.read(golden("vit_golden_rollout.npy")).toFloatArray(); // (4, 17)
        int t = GOLDEN.tokens(), h = GOLDEN.heads();
        m.keepAttention(true);
        List<NDArray> maps = new ArrayList<>();
        try (NoGrad ignored = NoGrad.enter()) {
            m.forward(Tensor.of(images));
            for (Tensor a : m.attentionMaps()) maps.add(a.value()); // (4, H, T, T)
        }
        float[] got = new float[4 * t];
        for (int b = 0; b < 4; b++) {
            List<float[]> blocks = new ArrayList<>();
            for (NDArray a : maps) blocks.add(a.select(0, b).contiguous().toFloatArray());
            double[] r = AttentionRollout.rollout(blocks, h, t);
            for (int j = 0; j < t; j++) got[b * t + j] = (float) r[j];
        }
        double err = relErr(got, ref);
        assertTrue(err < 1e-5, "rollout relative error " + err);
    }

    @Test
    void takesTheHeadSizeFromTheWeightsOrTheOption() throws IOException {
        Map<String, NDArray> state = SafeTensors.load(golden("vit_golden_weights.safetensors"));
        // without --num-classes the head follows head.weight, whatever the config says
        assertEquals(10, InferCommand.load(GOLDEN.withNumClasses(1000), state, null, "w").config().numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferCommand.load(GOLDEN, state, 5, "w.safetensors"));
        assertTrue(e.getMessage().startsWith("w.safetensors does not hold the weights of golden-vit with 5 classes"), e.getMessage());
        assertTrue(e.getMessage().contains("mis-shaped keys: head.weight (checkpoint [10,32], model [5,32]), head.bias"),
                e.getMessage());
    }

    @Test
    void strictLoadListsMissingAndUnexpectedKeys(@TempDir Path dir) throws IOException {
        Map<String, NDArray> state = new TreeMap<>(SafeTensors.load(golden("vit_golden_weights.safetensors")));
        state.remove("blocks.1.mlp.fc2.bias");
        state.put("fc_norm.weight", NDArray.ones(32));
        Path w = dir.resolve("w.safetensors");
        SafeTensors.write(w, state);
        TinyRun.Captured r = TinyRun.cli("infer", "--config", golden("vit_golden_config.json").toString(),
                "--weights", w.toString(), "--images", golden("vit_golden_images.npy").toString(),
                "--out", dir.resolve("o.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("missing keys: blocks.1.mlp.fc2.bias"), r.err());
        assertTrue(r.err().contains("unexpected keys: fc_norm.weight"), r.err());
        assertFalse(Files.exists(dir.resolve("o.npy")));
    }

    @Test
    void rejectsUnknownConfigsAndImagesOfTheWrongDtypeOrShape(@TempDir Path dir) throws IOException {
        String weights = golden("vit_golden_weights.safetensors").toString();
        String config = golden("vit_golden_config.json").toString();
        String out = dir.resolve("o.npy").toString();

        TinyRun.Captured r = TinyRun.cli("infer", "--config", "vit-huge", "--weights", weights, "--images",
                golden("vit_golden_images.npy").toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown config 'vit-huge' (known presets: mnist-tiny"), r.err());

        r = TinyRun.cli("infer", "--config", "hybrid-mnist", "--weights", weights, "--images",
                golden("vit_golden_images.npy").toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("hybrid-mnist is not a Vision Transformer"), r.err());

        Path f64 = dir.resolve("f64.npy");
        Files.write(f64, npy("<f8", "(1, 3, 32, 32)", new byte[3 * 32 * 32 * 8]));
        r = TinyRun.cli("infer", "--config", config, "--weights", weights, "--images", f64.toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dtype '<f8' (float64) is not supported"), r.err());

        Path grey = dir.resolve("grey.npy");
        Npy.write(grey, NDArray.zeros(2, 1, 32, 32));
        r = TinyRun.cli("infer", "--config", config, "--weights", weights, "--images", grey.toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("grey.npy holds an array of shape [2,1,32,32] but golden-vit takes images (B, 3, 32, 32)"),
                r.err());

        Path small = dir.resolve("small.npy");
        Npy.write(small, NDArray.zeros(2, 3, 28, 28));
        r = TinyRun.cli("infer", "--config", config, "--weights", weights, "--images", small.toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("takes images (B, 3, 32, 32)"), r.err());

        r = TinyRun.cli("infer", "--config", config, "--weights", dir.resolve("none.safetensors").toString(),
                "--images", small.toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.safetensors: weights file not found"), r.err());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": \"x\", \"imageSize\": 30}");
        r = TinyRun.cli("infer", "--config", bad.toString(), "--weights", weights, "--images", small.toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is not a valid ViT config"), r.err());
        assertFalse(Files.exists(dir.resolve("o.npy")));
    }

    /** A .npy file with any dtype code and shape, written by hand. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (total - 10));
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }
}
