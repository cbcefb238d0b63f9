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
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                           double lr, double imagesPerSec, double seconds) {

    static final String CSV_HEADER = "epoch,train_loss,train_acc,val_loss,val_acc,lr,images_per_sec,seconds";

    String csvRow() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.8g,%.1f,%.2f", epoch, trainLoss,
                trainAccuracy, valLoss, valAccuracy, lr, imagesPerSec, seconds);
    }

    static EpochMetrics parse(String row) {
        String[] f = row.split(",");
        if (f.length != 8) throw new IllegalArgumentException("bad metrics.csv row: " + row);
        return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]));
    }
}
