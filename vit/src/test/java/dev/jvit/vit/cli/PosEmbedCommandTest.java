package dev.jvit.vit.cli;

import dev.jvit.core.NDArray;
import dev.jvit.nn.io.SafeTensors;
import dev.jvit.vit.model.SinCos;
import dev.jvit.vit.viz.PosEmbedFigure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** jvit pos-embed: fixed tables from a config, tables from a run or a state dict, and what it asks for when missing. */
class PosEmbedCommandTest {

    private static void assertFigure(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(PosEmbedFigure.WIDTH, img.getWidth());
        assertEquals(PosEmbedFigure.HEIGHT, img.getHeight());
    }

    @Test
    void drawsFixedTablesFromTheConfigAlone(@TempDir Path dir) throws IOException {
        for (String preset : new String[] {"mnist-small", "cifar-demo"}) {
            Path out = dir.resolve(preset + ".png");
            TinyRun.Captured r = TinyRun.cli("pos-embed", "--config", preset, "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertFigure(out);
        }
        // the 1D table is the model's, class token first
        PosEmbedCommand.Table t = PosEmbedCommand.table("mnist-small", null);
        assertArrayEquals(new int[] {50, 64}, t.values().shape());
        assertArrayEquals(SinCos.oneD(50, 64).toFloatArray(), t.values().toFloatArray(), 0f);
    }

    @Test
    void tablesComeFromARunOrALearnedOneFromAStateDict(@TempDir Path dir) throws IOException {
        TinyRun run = TinyRun.get();
        Path out = dir.resolve("run.png");
        TinyRun.Captured r = TinyRun.cli("pos-embed", "--checkpoint", run.run.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sincos1d position embedding [50,8] of mnist-tiny"), r.out());
        assertFigure(out);

        Path golden = InferCommandTest.golden("vit_golden_weights.safetensors");
        Path config = InferCommandTest.golden("vit_golden_config.json");
        out = dir.resolve("learned.png");
        r = TinyRun.cli("pos-embed", "--config", config.toString(), "--checkpoint", golden.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertFigure(out);
        Map<String, NDArray> state = SafeTensors.load(golden);
        assertArrayEquals(state.get("pos_embed").toFloatArray(),
                PosEmbedCommand.table(config.toString(), golden).values().toFloatArray(), 0f);
    }

    @Test
    void explainsWhatIsMissing(@TempDir Path dir) {
        String out = dir.resolve("pe.png").toString();
        TinyRun.Captured r = TinyRun.cli("pos-embed", "--config", "vit-ti16", "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("vit-ti16 learns its position embedding: pass --checkpoint"), r.err());

        r = TinyRun.cli("pos-embed", "--config", "nope", "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown config 'nope'"), r.err());

        r = TinyRun.cli("pos-embed", "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("pass --config"), r.err());

        r = TinyRun.cli("pos-embed", "--checkpoint", TinyRun.get().run.toString(), "--config", "mnist-small", "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not match the checkpoint, a mnist-tiny run"), r.err());

        r = TinyRun.cli("pos-embed", "--config", "cifar-demo", "--checkpoint",
                InferCommandTest.golden("vit_golden_weights.safetensors").toString(), "--out", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("pos_embed has shape [1,17,32] but cifar-demo needs [1,17,64]"), r.err());
        assertFalse(dir.resolve("pe.png").toFile().exists());
    }
}
