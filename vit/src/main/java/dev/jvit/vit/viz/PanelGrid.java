package dev.jvit.vit.viz;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A figure of equal panels in rows, each with a title line above it, under a title for the whole figure;
 * white background, written as PNG. The size is fixed by the layout alone ({@link #width}, {@link #height}),
 * so callers and tests know it in advance.
 */
public final class PanelGrid implements AutoCloseable {
    public static final int MARGIN = 12, TITLE_HEIGHT = 30, CAPTION_HEIGHT = 18;

    static {
        // drawing into images needs no display; set before the first AWT class loads a toolkit
        System.setProperty("java.awt.headless", "true");
    }

    private final int panelWidth, panelHeight, columns;
    private final BufferedImage image;
    private final Graphics2D g;

    /** A figure of count panels of panelWidth x panelHeight, at most columns per row. */
    public PanelGrid(String title, int count, int columns, int panelWidth, int panelHeight) {
        if (count <= 0 || columns <= 0) throw new IllegalArgumentException("a figure needs panels and columns, got " + count + ", " + columns);
        this.panelWidth = panelWidth;
        this.panelHeight = panelHeight;
        this.columns = Math.min(columns, count);
        this.image = new BufferedImage(width(count, columns, panelWidth), height(count, columns, panelHeight),
                BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(fit(title, image.getWidth() - 2 * MARGIN), MARGIN, MARGIN + 14);
    }

    public static int width(int count, int columns, int panelWidth) {
        int c = Math.min(columns, count);
        return MARGIN + c * (panelWidth + MARGIN);
    }

    public static int height(int count, int columns, int panelHeight) {
        int rows = (count + Math.min(columns, count) - 1) / Math.min(columns, count);
        return TITLE_HEIGHT + rows * (CAPTION_HEIGHT + panelHeight + MARGIN) + MARGIN;
    }

    /** Writes the caption of panel i and returns where its picture goes. */
    public Rectangle panel(int i, String caption) {
        int x = MARGIN + (i % columns) * (panelWidth + MARGIN);
        int y = TITLE_HEIGHT + (i / columns) * (CAPTION_HEIGHT + panelHeight + MARGIN);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(fit(caption, panelWidth), x, y + 13);
        return new Rectangle(x, y + CAPTION_HEIGHT, panelWidth, panelHeight);
    }

    public Graphics2D graphics() {
        return g;
    }

    /** Shortens text with an ellipsis to fit a width in the current font. */
    String fit(String text, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) return text;
        String t = text;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > width) t = t.substring(0, t.length() - 1);
        return t + "…";
    }

    /** Writes the figure as PNG; the file appears under its name only once complete. */
    public void write(Path png) throws IOException {
        write(image, png);
    }

    static void write(BufferedImage image, Path png) throws IOException {
        Path target = png.toAbsolutePath();
        if (target.getParent() != null) Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer in this JVM");
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
        g.dispose();
    }
}
