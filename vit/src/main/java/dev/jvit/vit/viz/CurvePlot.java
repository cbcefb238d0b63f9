package dev.jvit.vit.viz;

import dev.jvit.vit.train.EpochMetrics;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The training curves as a PNG: loss (train and validation) above accuracy, against the epoch. */
public final class CurvePlot {
    private CurvePlot() {}

    public static void write(List<EpochMetrics> rows, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries trainLoss = new XYSeries("train loss"), valLoss = new XYSeries("validation loss");
        XYSeries trainAcc = new XYSeries("train accuracy"), valAcc = new XYSeries("validation accuracy");
        for (EpochMetrics m : rows) {
            trainLoss.add(m.epoch(), m.trainLoss());
            valLoss.add(m.epoch(), m.valLoss());
            trainAcc.add(m.epoch(), 100 * m.trainAccuracy());
            valAcc.add(m.epoch(), 100 * m.valAccuracy());
        }
        XYPlot loss = plot(new XYSeriesCollection(trainLoss), valLoss, "loss");
        XYPlot acc = plot(new XYSeriesCollection(trainAcc), valAcc, "accuracy (%)");
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochs);
        combined.add(loss, 1);
        combined.add(acc, 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 800, 700);
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static XYPlot plot(XYSeriesCollection data, XYSeries second, String label) {
        data.addSeries(second);
        NumberAxis y = new NumberAxis(label);
        y.setAutoRangeIncludesZero(false);
        return new XYPlot(data, null, y, new XYLineAndShapeRenderer(true, true));
    }
}
