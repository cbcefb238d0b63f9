package dev.jvit.vit.viz;

import java.util.Locale;

/**
 * Counts of (true class, predicted class) pairs over a test set, with the accuracy overall and per class, and
 * a text table for the terminal: rows are the true class, columns the predicted one, so the diagonal holds
 * the correct answers and a large number off it names a confusion ("true 4, predicted 9").
 */
public final class ConfusionMatrix {
    private static final int NAME_LIMIT = 12;
    private final String[] classNames;
    private final long[][] counts;

    public ConfusionMatrix(String[] classNames) {
        if (classNames.length == 0) throw new IllegalArgumentException("a confusion matrix needs at least one class");
        this.classNames = classNames.clone();
        this.counts = new long[classNames.length][classNames.length];
    }

    public int numClasses() {
        return classNames.length;
    }

    public void add(int truth, int predicted) {
        int k = classNames.length;
        if (truth < 0 || truth >= k || predicted < 0 || predicted >= k) {
            throw new IllegalArgumentException("class pair (" + truth + ", " + predicted + ") is outside [0, " + k + ")");
        }
        counts[truth][predicted]++;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) for (long c : row) n += c;
        return n;
    }

    public long correct() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) n += counts[i][i];
        return n;
    }

    /** Images of a true class (a row's sum). */
    public long support(int truth) {
        long n = 0;
        for (long c : counts[truth]) n += c;
        return n;
    }

    public double accuracy() {
        long n = total();
        return n == 0 ? Double.NaN : (double) correct() / n;
    }

    /** The fraction of a class's images predicted as that class (recall); NaN when the class has none. */
    public double classAccuracy(int truth) {
        long n = support(truth);
        return n == 0 ? Double.NaN : (double) counts[truth][truth] / n;
    }

    /** The matrix as an aligned table with class names as labels, then one line of accuracy per class. */
    public String format() {
        int k = classNames.length;
        String[] names = new String[k];
        int nameWidth = "true \\ predicted".length(), cell = 1;
        long max = 0;
        for (long[] row : counts) for (long c : row) max = Math.max(max, c);
        for (int i = 0; i < k; i++) {
            names[i] = classNames[i].length() > NAME_LIMIT ? classNames[i].substring(0, NAME_LIMIT - 1) + "~" : classNames[i];
            nameWidth = Math.max(nameWidth, names[i].length());
            cell = Math.max(cell, names[i].length());
        }
        cell = Math.max(cell, Long.toString(max).length()) + 1;
        StringBuilder sb = new StringBuilder();
        sb.append("confusion matrix (rows: true class, columns: predicted class)\n");
        sb.append(pad("true \\ predicted", nameWidth, false));
        for (String n : names) sb.append(pad(n, cell, true));
        sb.append('\n');
        for (int i = 0; i < k; i++) {
            sb.append(pad(names[i], nameWidth, false));
            for (int j = 0; j < k; j++) sb.append(pad(Long.toString(counts[i][j]), cell, true));
            sb.append('\n');
        }
        sb.append("\nper-class accuracy\n");
        for (int i = 0; i < k; i++) {
            double a = classAccuracy(i);
            String pct = Double.isNaN(a) ? "      -" : String.format(Locale.ROOT, "%6.2f%%", 100 * a);
            sb.append(pad(names[i], nameWidth, false)).append(' ').append(pct)
                    .append(String.format(Locale.ROOT, "  (%d/%d)\n", counts[i][i], support(i)));
        }
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
