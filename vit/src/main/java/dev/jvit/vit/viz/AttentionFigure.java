package dev.jvit.vit.viz;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The picture behind {@code jvit attention}: the input image, then one panel per head of a block with the class
 * token's attention to each patch, then the attention rollout over all blocks; every map is upsampled from the
 * patch grid to the image and drawn over it as a viridis heat overlay, scaled to its own range.
 */
public final class AttentionFigure {
    static final double ALPHA = 0.55;
    static final int MAX_COLUMNS = 5;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private AttentionFigure() {}

    /** One heat map over the patch grid (grid x grid values) and its caption. */
    public record Panel(String caption, float[] values) {}

    /** Panels are a few times the model's input so 28-pixel digits stay legible: 140 to 224 pixels. */
    public static int panelSize(int imageSize) {
        return Math.max(140, Math.min(224, imageSize * 5));
    }

    /** The PNG's width and height for this many maps (the input image panel comes on top of them). */
    public static int[] size(int maps, int imageSize) {
        int p = panelSize(imageSize), count = maps + 1;
        int columns = count <= MAX_COLUMNS + 1 ? count : MAX_COLUMNS;
        return new int[] {PanelGrid.width(count, columns, p), PanelGrid.height(count, columns, p)};
    }

    public static void write(Path png, String title, BufferedImage input, int grid, List<Panel> maps) throws IOException {
        int p = panelSize(input.getWidth()), count = maps.size() + 1;
        int columns = count <= MAX_COLUMNS + 1 ? count : MAX_COLUMNS;
        BufferedImage base = scaled(input, p);
        try (PanelGrid fig = new PanelGrid(title, count, columns, p, p)) {
            Graphics2D g = fig.graphics();
            Rectangle r = fig.panel(0, "input");
            g.drawImage(base, r.x, r.y, null);
            for (int i = 0; i < maps.size(); i++) {
                Panel m = maps.get(i);
                float[] heat = Heatmap.upsample(m.values(), grid, grid, p, p);
                r = fig.panel(i + 1, m.caption());
                g.drawImage(Heatmap.overlay(base, heat, ALPHA), r.x, r.y, null);
            }
            fig.write(png);
        }
    }

    /** The usual maps: each head's class-token attention in a block, then the rollout. */
    public static List<Panel> maps(List<float[]> headRows, int block, float[] rollout) {
        List<Panel> maps = new ArrayList<>();
        for (int h = 0; h < headRows.size(); h++) {
            maps.add(new Panel(String.format(Locale.ROOT, "block %d, head %d", block + 1, h + 1), headRows.get(h)));
        }
        maps.add(new Panel("rollout, all blocks", rollout));
        return maps;
    }

    /** (C, H, W) uint8 pixels, C = 1 (grey) or 3 (RGB), as an image. */
    public static BufferedImage picture(byte[] chw, int channels, int height, int width) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("images have 1 or 3 channels, got " + channels);
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException(chw.length + " bytes are not a " + channels + "x" + height + "x" + width + " image");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int r = chw[i] & 0xff;
                int gr = channels == 3 ? chw[plane + i] & 0xff : r, b = channels == 3 ? chw[2 * plane + i] & 0xff : r;
                img.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return img;
    }

    private static BufferedImage scaled(BufferedImage img, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, size, size, null);
        g.dispose();
        return out;
    }
}
