package dev.jvit.bench.report;

import dev.jvit.bench.compare.CompareResults;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's two pictures: SGEMM GFLOP/s against the matrix size, jvit and PyTorch (one pair of lines
 * per run, e.g. per thread count), and training images per second per preset as grouped bars on a log
 * scale (the presets differ by three orders of magnitude).
 */
public final class BenchCharts {
    private static final Color JVIT = new Color(0xD9, 0x5F, 0x02), TORCH = new Color(0x1B, 0x6F, 0xB5);

    private BenchCharts() {}

    /** Writes the GEMM chart; false (nothing written) when no run has GEMM figures. */
    public static boolean gemm(List<CompareResults> runs, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (CompareResults run : runs) {
            if (run.gemm().isEmpty()) continue;
            XYSeries j = new XYSeries("jvit, " + run.threads() + " thread(s)"), t = new XYSeries("PyTorch, " + run.threads() + " thread(s)");
            for (CompareResults.Gemm g : run.gemm()) {
                j.add(g.size(), g.jvit());
                if (g.torch() != null) t.add(g.size(), g.torch());
            }
            style(r, data.getSeriesCount(), JVIT, run.threads());
            data.addSeries(j);
            if (t.getItemCount() > 0) {
                style(r, data.getSeriesCount(), TORCH, run.threads());
                data.addSeries(t);
            }
        }
        if (data.getSeriesCount() == 0) return false;
        LogAxis x = new LogAxis("matrix size n (n x n times n x n)");
        x.setBase(2);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // ticks at whole powers of two
        x.setNumberFormatOverride(new DecimalFormat("0"));
        NumberAxis y = new NumberAxis("GFLOP/s");
        XYPlot plot = new XYPlot(data, x, y, r);
        save(new JFreeChart("SGEMM, single precision", JFreeChart.DEFAULT_TITLE_FONT, plot, true), png, 800, 500);
        return true;
    }

    /** Writes the training chart; false when no run trained anything. */
    public static boolean training(List<CompareResults> runs, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (CompareResults run : runs) {
            for (CompareResults.Train t : run.train()) {
                String preset = t.config() + " (b" + t.batch() + ")";
                data.addValue(t.jvit(), "jvit, " + run.threads() + " thread(s)", preset);
                if (t.torch() != null) data.addValue(t.torch(), "PyTorch, " + run.threads() + " thread(s)", preset);
            }
        }
        if (data.getRowCount() == 0) return false;
        double lo = Double.MAX_VALUE, hi = 0;
        for (int i = 0; i < data.getRowCount(); i++) {
            for (int j = 0; j < data.getColumnCount(); j++) {
                Number v = data.getValue(i, j);
                if (v == null) continue;
                lo = Math.min(lo, v.doubleValue());
                hi = Math.max(hi, v.doubleValue());
            }
        }
        // whole decades around the data, and bars that grow from the bottom decade (a log axis has no zero)
        double bottom = Math.pow(10, Math.floor(Math.log10(lo))), top = Math.pow(10, Math.ceil(Math.log10(hi * 1.01)));
        LogAxis y = new LogAxis("images per second (log scale)");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // ticks at whole powers of ten
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        y.setRange(bottom, top);
        CategoryAxis x = new CategoryAxis("preset (batch)");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.05);
        r.setBase(bottom);
        for (int i = 0; i < data.getRowCount(); i++) {
            String key = data.getRowKey(i).toString();
            Color base = key.startsWith("jvit") ? JVIT : TORCH;
            r.setSeriesPaint(i, key.contains(" 1 thread") ? base.brighter() : base);
        }
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        save(new JFreeChart("Training step throughput (forward, backward, AdamW)", JFreeChart.DEFAULT_TITLE_FONT, plot, true),
                png, 800, 500);
        return true;
    }

    /** jvit orange, PyTorch blue; one thread dashed. */
    private static void style(XYLineAndShapeRenderer r, int series, Color color, int threads) {
        r.setSeriesPaint(series, color);
        r.setSeriesStroke(series, threads == 1
                ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f));
    }

    private static void save(JFreeChart chart, Path png, int w, int h) throws IOException {
        System.setProperty("java.awt.headless", "true");
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, w, h);
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
    }
}
