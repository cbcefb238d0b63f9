package dev.jvit.vit.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The picture behind {@code jvit pos-embed}: the position-embedding matrix (tokens x dim) as a heat map, and
 * below it, for a few patches (corners and centre), the cosine similarity of that patch's embedding to every
 * patch's, laid out on the patch grid. A useful embedding makes nearby patches similar: a bright blob around
 * the chosen patch (outlined in red), as in figure 7 of the ViT paper.
 */
public final class PosEmbedFigure {
    static final int LEFT = 48, MATRIX_W = 640, MATRIX_H = 256, BAR_W = 14, RIGHT = 60, TITLE = 30,
            CAPTION = 18, AXIS = 28, CELL_PANEL = 120, GAP = 12;
    public static final int WIDTH = LEFT + MATRIX_W + 10 + BAR_W + RIGHT;
    public static final int HEIGHT = TITLE + CAPTION + MATRIX_H + AXIS + CAPTION + CAPTION + CELL_PANEL + GAP;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private PosEmbedFigure() {}

    /**
     * Cosine similarity between the patch rows of pe (tokens, dim), those from row first on (after a class
     * token), as an (N, N) matrix with N = tokens - first. A zero row (the class token's place in a 2D sin-cos
     * table) is similar to nothing: 0.
     */
    public static float[] patchSimilarity(float[] pe, int tokens, int dim, int first) {
        if (pe.length != tokens * dim) throw new IllegalArgumentException("a (" + tokens + ", " + dim + ") table needs " + (tokens * dim) + " values, got " + pe.length);
        int n = tokens - first;
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) s += (double) pe[(first + i) * dim + k] * pe[(first + i) * dim + k];
            norm[i] = Math.sqrt(s);
        }
        float[] sim = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < dim; k++) dot += (double) pe[(first + i) * dim + k] * pe[(first + j) * dim + k];
                double den = norm[i] * norm[j];
                sim[i * n + j] = den > 0 ? (float) (dot / den) : 0f;
            }
        }
        return sim;
    }

    /** The patches whose similarity maps are drawn: the four corners and the centre (fewer on tiny grids). */
    public static int[] probePatches(int grid) {
        int last = grid - 1, mid = grid / 2;
        Set<Integer> p = new LinkedHashSet<>();
        p.add(0);
        p.add(last);
        p.add(mid * grid + mid);
        p.add(last * grid);
        p.add(last * grid + last);
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Draws pe (tokens, dim) for a grid x grid patch layout whose patch rows start at row first.
     */
    public static void write(Path png, String title, float[] pe, int tokens, int dim, int grid, int first) throws IOException {
        if (tokens - first != grid * grid) {
            throw new IllegalArgumentException(tokens + " tokens with " + first + " before the patches do not make a "
                    + grid + "x" + grid + " grid");
        }
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, GAP, GAP + 14);

            // the matrix, symmetric colour range so that zero is the middle of the map
            double m = 0;
            for (float v : pe) m = Math.max(m, Math.abs(v));
            if (m == 0) m = 1;
            int y = TITLE;
            caption(g, String.format(Locale.ROOT, "position embedding: %d tokens x %d dims", tokens, dim), LEFT, y);
            Rectangle matrix = new Rectangle(LEFT, y + CAPTION, MATRIX_W, MATRIX_H);
            Heatmap.drawCells(g, pe, tokens, dim, matrix, -m, m);
            Heatmap.drawColorbar(g, new Rectangle(matrix.x + MATRIX_W + 10, matrix.y, BAR_W, MATRIX_H), -m, m);
            axes(g, matrix, tokens, dim);

            // similarity maps on the patch grid
            y = matrix.y + MATRIX_H + AXIS;
            caption(g, "cosine similarity of a patch's embedding to every patch's (chosen patch outlined)", GAP, y);
            float[] sim = patchSimilarity(pe, tokens, dim, first);
            int n = grid * grid;
            int[] probes = probePatches(grid);
            // one scale for all maps, from the lowest similarity shown up to 1: sin-cos tables keep every
            // similarity high, and a fixed [-1, 1] would wash their structure out
            double lo = 1;
            for (int p : probes) for (int j = 0; j < n; j++) lo = Math.min(lo, sim[p * n + j]);
            if (lo >= 1) lo = 0;
            int x = GAP;
            for (int p : probes) {
                caption(g, String.format(Locale.ROOT, "patch (%d, %d)", p / grid, p % grid), x, y + CAPTION);
                Rectangle r = new Rectangle(x, y + 2 * CAPTION, CELL_PANEL, CELL_PANEL);
                float[] row = new float[n];
                System.arraycopy(sim, p * n, row, 0, n);
                Heatmap.drawCells(g, row, grid, grid, r, lo, 1);
                g.setColor(Color.RED);
                g.setStroke(new BasicStroke(2f));
                int x0 = r.x + (p % grid) * CELL_PANEL / grid, y0 = r.y + (p / grid) * CELL_PANEL / grid;
                int x1 = r.x + (p % grid + 1) * CELL_PANEL / grid, y1 = r.y + (p / grid + 1) * CELL_PANEL / grid;
                g.drawRect(x0, y0, Math.max(1, x1 - x0 - 1), Math.max(1, y1 - y0 - 1));
                g.setStroke(new BasicStroke(1f));
                x += CELL_PANEL + GAP;
            }
            Heatmap.drawColorbar(g, new Rectangle(x, y + 2 * CAPTION, BAR_W, CELL_PANEL), lo, 1);
        } finally {
            g.dispose();
        }
        PanelGrid.write(img, png);
    }

    private static void caption(Graphics2D g, String text, int x, int y) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(text, x, y + 13);
    }

    /** Tick labels at the first and last token and dimension, and the axis names. */
    private static void axes(Graphics2D g, Rectangle r, int tokens, int dim) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        String top = "0", bottom = Integer.toString(tokens - 1);
        g.drawString(top, r.x - 4 - fm.stringWidth(top), r.y + fm.getAscent());
        g.drawString(bottom, r.x - 4 - fm.stringWidth(bottom), r.y + r.height);
        String right = Integer.toString(dim - 1);
        g.drawString("0", r.x, r.y + r.height + fm.getAscent() + 2);
        g.drawString(right, r.x + r.width - fm.stringWidth(right), r.y + r.height + fm.getAscent() + 2);
        String dimLabel = "dimension";
        g.drawString(dimLabel, r.x + (r.width - fm.stringWidth(dimLabel)) / 2, r.y + r.height + fm.getAscent() + 2);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        String tokenLabel = "token";
        g.drawString(tokenLabel, -(r.y + (r.height + fm.stringWidth(tokenLabel)) / 2), r.x - 10);
        g.setTransform(saved);
    }
}
