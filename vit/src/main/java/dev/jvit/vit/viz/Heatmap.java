package dev.jvit.vit.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Drawing values as colours: a (rows, cols) grid of cells, a smooth map upsampled over a picture, and a
 * colour bar with its scale. Values map linearly from [lo, hi] onto {@link Viridis}.
 */
public final class Heatmap {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Heatmap() {}

    /** Fills area with values (rows, cols) row-major, one flat cell per value (nearest-neighbour scaling). */
    public static void drawCells(Graphics2D g, float[] values, int rows, int cols, Rectangle area, double lo, double hi) {
        check(values, rows, cols);
        BufferedImage img = new BufferedImage(area.width, area.height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < area.height; y++) {
            int r = Math.min(rows - 1, (int) ((long) y * rows / area.height));
            for (int x = 0; x < area.width; x++) {
                int c = Math.min(cols - 1, (int) ((long) x * cols / area.width));
                img.setRGB(x, y, Viridis.rgb(scale(values[r * cols + c], lo, hi)));
            }
        }
        g.drawImage(img, area.x, area.y, null);
    }

    /**
     * Bilinear upsampling of a (rows, cols) map to (height, width), sampling at cell centres as
     * {@code F.interpolate(mode="bilinear", align_corners=False)} does, so each patch's value sits over its patch.
     */
    public static float[] upsample(float[] values, int rows, int cols, int height, int width) {
        check(values, rows, cols);
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, Math.min(rows - 1, (y + 0.5) * rows / height - 0.5));
            int y0 = (int) sy, y1 = Math.min(rows - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, Math.min(cols - 1, (x + 0.5) * cols / width - 0.5));
                int x0 = (int) sx, x1 = Math.min(cols - 1, x0 + 1);
                double fx = sx - x0;
                double top = values[y0 * cols + x0] * (1 - fx) + values[y0 * cols + x1] * fx;
                double bottom = values[y1 * cols + x0] * (1 - fx) + values[y1 * cols + x1] * fx;
                out[y * width + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    /**
     * The picture with a heat map (height, width) over it: each pixel is (1 - alpha)·picture + alpha·colour,
     * the map scaled from its own minimum and maximum so that the structure shows whatever its range.
     */
    public static BufferedImage overlay(BufferedImage picture, float[] heat, double alpha) {
        int w = picture.getWidth(), h = picture.getHeight();
        if (heat.length != w * h) throw new IllegalArgumentException("heat map has " + heat.length + " values for a " + w + "x" + h + " picture");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : heat) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = picture.getRGB(x, y), c = Viridis.rgb(scale(heat[y * w + x], lo, hi));
                int r = blend(p >> 16 & 0xff, c >> 16 & 0xff, alpha);
                int gr = blend(p >> 8 & 0xff, c >> 8 & 0xff, alpha);
                int b = blend(p & 0xff, c & 0xff, alpha);
                out.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return out;
    }

    /** A vertical colour bar in area (brightest at the top) with lo and hi written beside it. */
    public static void drawColorbar(Graphics2D g, Rectangle area, double lo, double hi) {
        for (int y = 0; y < area.height; y++) {
            g.setColor(new Color(Viridis.rgb(1 - (double) y / Math.max(1, area.height - 1))));
            g.drawLine(area.x, area.y + y, area.x + area.width - 1, area.y + y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(area.x, area.y, area.width - 1, area.height - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(number(hi), area.x + area.width + 4, area.y + fm.getAscent());
        g.drawString(number(lo), area.x + area.width + 4, area.y + area.height);
    }

    static String number(double v) {
        return Math.abs(v) >= 100 || (v != 0 && Math.abs(v) < 0.01)
                ? String.format(Locale.ROOT, "%.2g", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double scale(double v, double lo, double hi) {
        return hi > lo ? (v - lo) / (hi - lo) : 0.5;
    }

    private static int blend(int a, int b, double alpha) {
        return (int) Math.round(a * (1 - alpha) + b * alpha);
    }

    private static void check(float[] values, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || values.length != rows * cols) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " map needs " + (rows * cols)
                    + " values, got " + values.length);
        }
    }
}
