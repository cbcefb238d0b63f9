package dev.jvit.vit.cli;

import dev.jvit.vit.model.VisionTransformer;
import dev.jvit.vit.viz.AttentionFigure;
import dev.jvit.vit.viz.AttentionRollout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** jvit attention: the figure's layout, attention and rollout rows that sum to 1, models it refuses. */
class AttentionCommandTest {
    private static final TinyRun RUN = TinyRun.get();

    @Test
    void drawsEachHeadAndTheRolloutOverTheImage(@TempDir Path dir) throws IOException {
        Path img = RUN.testImagePng(4, 2, dir), out = dir.resolve("attn.png");
        TinyRun.Captured r = TinyRun.cli("attention", "--checkpoint", RUN.run.toString(), "--image", img.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 heads x 2 blocks"), r.out());
        BufferedImage png = ImageIO.read(out.toFile());
        // mnist-tiny has 2 heads: input, head 1, head 2, rollout in one row of 140-pixel panels
        int[] size = AttentionFigure.size(3, 28);
        assertEquals(size[0], png.getWidth());
        assertEquals(size[1], png.getHeight());
        assertEquals(12 + 4 * (140 + 12), png.getWidth());
        // the panels are drawn: the middle of the rollout panel is not the white background
        int x = 12 + 3 * (140 + 12) + 70, y = 30 + 18 + 70;
        assertNotEquals(0xffffff, png.getRGB(x, y) & 0xffffff);
    }

    @Test
    void rolloutRowsSumToOneAndTheClassRowCoversEveryPatch(@TempDir Path dir) throws IOException {
        CheckpointModel cm = CheckpointModel.load(RUN.run);
        VisionTransformer vit = cm.vitWithClassToken("test");
        AttentionCommand.Result r = AttentionCommand.run(cm, vit, cm.readImages(List.of(RUN.testImagePng(9, 1, dir))));
        assertEquals(50, r.tokens());
        assertEquals(7, r.grid());
        assertEquals(2, r.blocks().size());
        int t = r.tokens();
        for (float[] block : r.blocks()) {
            assertEquals(r.heads() * t * t, block.length);
            for (int row = 0; row < r.heads() * t; row++) {
                double s = 0;
                for (int j = 0; j < t; j++) s += block[row * t + j];
                assertEquals(1.0, s, 1e-5, "softmax row " + row);
            }
        }
        for (int i = 0; i < t; i++) {
            double s = 0;
            for (int j = 0; j < t; j++) {
                assertTrue(r.rollout()[i * t + j] >= 0);
                s += r.rollout()[i * t + j];
            }
            assertEquals(1.0, s, 1e-9, "rollout row " + i);
        }
        assertEquals(49, AttentionRollout.classToPatches(r.rollout(), t).length);
        assertTrue(r.probability() > 0 && r.probability() <= 1);
        assertTrue(vit.attentionMaps().stream().allMatch(a -> a == null), "attention no longer kept afterwards");
    }

    @Test
    void refusesModelsWithoutAttentionAndMissingFiles(@TempDir Path dir) throws IOException {
        Path img = RUN.testImagePng(0, 1, dir);
        TinyRun.Captured r = TinyRun.cli("attention", "--checkpoint", RUN.hybridRun.toString(), "--image", img.toString(),
                "--out", dir.resolve("a.png").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("jvit attention needs a Vision Transformer; hybrid-mnist"), r.err());

        r = TinyRun.cli("attention", "--checkpoint", RUN.run.toString(), "--image", dir.resolve("x.png").toString(),
                "--out", dir.resolve("a.png").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("x.png: image not found"), r.err());
        assertFalse(dir.resolve("a.png").toFile().exists());
    }
}
