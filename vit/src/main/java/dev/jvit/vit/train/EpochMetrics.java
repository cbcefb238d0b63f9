package dev.jvit.vit.train;

/**
 * What one epoch of training measured: a row of {@code metrics.csv}.
 *
 * @param epoch         1-based epoch number
 * @param trainLoss     mean training loss over the epoch
 * @param trainAccuracy fraction of training images classified correctly (during training, with dropout)
 * @param valLoss       mean loss on the validation split
 * @param valAccuracy   fraction of validation images classified correctly
 * @param lr            learning rate at the end of the epoch
 * @param imagesPerSec  training throughput
 * @param seconds       wall time of the epoch's training
 * @param emaValAccuracy validation accuracy of the EMA of the weights ({@code --ema}), NaN without one
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                           double lr, double imagesPerSec, double seconds, double emaValAccuracy) {

    static final String CSV_HEADER = "epoch,train_loss,train_acc,val_loss,val_acc,lr,images_per_sec,seconds,ema_val_acc";

    /** A row without an EMA. */
    public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                        double lr, double imagesPerSec, double seconds) {
        this(epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, lr, imagesPerSec, seconds, Double.NaN);
    }

    String csvRow() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.8g,%.1f,%.2f,%s", epoch, trainLoss,
                trainAccuracy, valLoss, valAccuracy, lr, imagesPerSec, seconds,
                Double.isNaN(emaValAccuracy) ? "" : String.format(java.util.Locale.ROOT, "%.6f", emaValAccuracy));
    }

    /** A row of metrics.csv; files written before the EMA column existed have 8 fields. */
    static EpochMetrics parse(String row) {
        String[] f = row.split(",", -1);
        if (f.length != 8 && f.length != 9) throw new IllegalArgumentException("bad metrics.csv row: " + row);
        double ema = f.length == 9 && !f[8].isEmpty() ? Double.parseDouble(f[8]) : Double.NaN;
        return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), ema);
    }
}
