package dev.jvit.vit.viz;

import dev.jvit.vit.model.SinCos;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The colormap, upsampling, patch similarity and the sizes of the figures. */
class FiguresTest {

    @Test
    void viridisRunsFromDarkPurpleToYellow() {
        assertEquals(0x440154, Viridis.rgb(0));
        assertEquals(0xfde725, Viridis.rgb(1));
        assertEquals(0x440154, Viridis.rgb(-3), "clamped");
        // luminance grows monotonically: the point of a perceptual map
        double previous = -1;
        for (int i = 0; i <= 100; i++) {
            int c = Viridis.rgb(i / 100.0);
            double y = 0.2126 * (c >> 16 & 0xff) + 0.7152 * (c >> 8 & 0xff) + 0.0722 * (c & 0xff);
            assertTrue(y >= previous - 0.5, "luminance at " + i);
            previous = y;
        }
    }

    @Test
    void upsamplingKeepsPatchValuesAtTheirCentres() {
        float[] grid = {0, 1, 2, 3}; // 2x2
        float[] up = Heatmap.upsample(grid, 2, 2, 8, 8);
        assertEquals(64, up.length);
        assertEquals(0f, up[0], 1e-6);          // corners clamp to the corner patch
        assertEquals(3f, up[63], 1e-6);
        assertEquals(1.5f, (up[3 * 8 + 3] + up[4 * 8 + 4]) / 2, 1e-6); // the middle is the mean
        float[] flat = Heatmap.upsample(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, 2, 2, 5, 7);
        for (float v : flat) assertEquals(0.3f, v, 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Heatmap.upsample(new float[3], 2, 2, 4, 4));
    }

    @Test
    void cosineSimilarityOfASinCosTableIsHighestNearby() {
        int g = 6, d = 32;
        float[] pe = SinCos.twoD(g, g, d).toFloatArray();
        float[] sim = PosEmbedFigure.patchSimilarity(pe, g * g, d, 0);
        int n = g * g;
        for (int i = 0; i < n; i++) {
            assertEquals(1f, sim[i * n + i], 1e-5);
            for (int j = 0; j < n; j++) assertEquals(sim[i * n + j], sim[j * n + i], 1e-6);
        }
        int centre = 2 * g + 2;
        assertTrue(sim[centre * n + centre + 1] > sim[centre * n + centre + 3], "right neighbour vs three to the right");
        assertTrue(sim[centre * n + centre + g] > sim[centre * n + centre + 3 * g], "below vs three below");
        // a zero row (the class token's place in a 2D table) is similar to nothing
        float[] withZero = NDArray.concat(0, NDArray.zeros(1, d), SinCos.twoD(g, g, d)).toFloatArray();
        float[] s2 = PosEmbedFigure.patchSimilarity(withZero, n + 1, d, 0);
        assertEquals(0f, s2[0]);
        assertEquals(0f, s2[5]);
    }

    @Test
    void probesTheCornersAndTheCentre() {
        assertArrayEquals(new int[] {0, 6, 24, 42, 48}, PosEmbedFigure.probePatches(7));
        assertArrayEquals(new int[] {0}, PosEmbedFigure.probePatches(1));
    }

    @Test
    void figuresHaveTheSizeTheirLayoutSays(@TempDir Path dir) throws IOException {
        Path pe = dir.resolve("pe.png");
        PosEmbedFigure.write(pe, "test", SinCos.oneD(17, 8).toFloatArray(), 17, 8, 4, 1);
        BufferedImage img = ImageIO.read(pe.toFile());
        assertEquals(PosEmbedFigure.WIDTH, img.getWidth());
        assertEquals(PosEmbedFigure.HEIGHT, img.getHeight());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PosEmbedFigure.write(pe, "t", new float[16 * 8], 16, 8, 4, 1));
        assertTrue(e.getMessage().contains("do not make a 4x4 grid"), e.getMessage());

        // 12 heads + rollout + input = 14 panels: rows of 5 at 224 pixels for a 224 model
        Path attn = dir.resolve("attn.png");
        byte[] rgb = new byte[3 * 224 * 224];
        java.util.List<float[]> heads = new java.util.ArrayList<>();
        for (int h = 0; h < 12; h++) heads.add(new float[196]);
        float[] rollout = new float[196];
        rollout[17] = 1;
        AttentionFigure.write(attn, "t", AttentionFigure.picture(rgb, 3, 224, 224), 14,
                AttentionFigure.maps(heads, 11, rollout));
        img = ImageIO.read(attn.toFile());
        int[] size = AttentionFigure.size(13, 224);
        assertEquals(size[0], img.getWidth());
        assertEquals(size[1], img.getHeight());
        assertEquals(PanelGrid.MARGIN + 5 * (224 + PanelGrid.MARGIN), img.getWidth());
        assertEquals(PanelGrid.TITLE_HEIGHT + 3 * (PanelGrid.CAPTION_HEIGHT + 224 + PanelGrid.MARGIN) + PanelGrid.MARGIN,
                img.getHeight());
        assertEquals(List.of("block 12, head 1", "rollout, all blocks"),
                List.of(AttentionFigure.maps(heads, 11, rollout).get(0).caption(),
                        AttentionFigure.maps(heads, 11, rollout).get(12).caption()));
    }
}
