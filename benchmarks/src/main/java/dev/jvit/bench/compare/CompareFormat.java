package dev.jvit.bench.compare;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The text of {@code bench compare}: the lines it prints and the lines it reads from its subprocesses (the
 * {@code key=value} replies of both sides' servers). Kept apart from the running so that the formats are
 * tested without running anything. A missing PyTorch figure is NaN and prints as "n/a".
 */
public final class CompareFormat {
    private CompareFormat() {}

    /** {@code train mnist-small cpu threads=2: jvit 1234 img/s, torch 456 img/s, ratio 2.71}. */
    public static String trainLine(String config, String device, int threads, double jvit, double torch) {
        return String.format(Locale.ROOT, "train %s %s threads=%d: jvit %s img/s, torch %s", config, device, threads,
                whole(jvit), Double.isNaN(torch) ? "n/a" : whole(torch) + " img/s, ratio " + ratio(jvit, torch));
    }

    /** {@code sgemm 1024 threads=2: jvit 150.2 GFLOP/s, torch 180.1 GFLOP/s, ratio 0.83}. */
    public static String gemmLine(int size, int threads, double jvit, double torch) {
        return String.format(Locale.ROOT, "sgemm %d threads=%d: jvit %.1f GFLOP/s, torch %s", size, threads, jvit,
                Double.isNaN(torch) ? "n/a" : String.format(Locale.ROOT, "%.1f GFLOP/s, ratio %s", torch, ratio(jvit, torch)));
    }

    /**
     * {@code memory mnist-small cpu batch=128: jvit heap peak 410 MB (live after forward 95 MB), torch peak RSS
     * 545 MB (247 MB after import and build)}; on a GPU the device peaks of both follow.
     */
    public static String memoryLine(String config, String device, int batch, MemoryFigures m) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "memory %s %s batch=%d: jvit heap peak %s (live after forward %s)", config, device, batch,
                mb(m.jvitHeapPeakBytes()), mb(m.jvitLiveBytes())));
        if (m.jvitDevicePeakBytes() >= 0) s.append(", device peak ").append(mb(m.jvitDevicePeakBytes()));
        if (m.torchPeakRssBytes() < 0) {
            s.append(", torch n/a");
        } else {
            s.append(", torch peak RSS ").append(mb(m.torchPeakRssBytes()));
            if (m.torchRssAfterBuildBytes() >= 0) s.append(" (").append(mb(m.torchRssAfterBuildBytes())).append(" after import and build)");
            if (m.torchDevicePeakBytes() >= 0) s.append(", device peak ").append(mb(m.torchDevicePeakBytes()));
        }
        return s.toString();
    }

    /** What to do without PyTorch; reason is the probe's one-line diagnosis. */
    public static String torchMissing(String python, String reason) {
        return "PyTorch is not available to " + python + " (" + reason + "), so only jvit's figures follow.\n"
                + "To compare, install it: on Debian or Ubuntu 'sudo apt-get install python3-torch' (it uses the system "
                + "BLAS; 'sudo apt-get install libopenblas0-pthread' gives it OpenBLAS), or 'pip install torch'; "
                + "or name another interpreter with --python or JVIT_PYTHON.";
    }

    /** jvit / torch to two decimals. */
    public static String ratio(double jvit, double torch) {
        return String.format(Locale.ROOT, "%.2f", jvit / torch);
    }

    /** A rate as a whole number, at least three significant digits below 100 (a slow run never prints 0). */
    static String whole(double rate) {
        return rate >= 100 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.3g", rate);
    }

    /** Bytes as megabytes (2^20) with no decimals, or "n/a" for a negative (unknown) figure. */
    public static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    /**
     * A reply of a {@link StepServer} (reference/vit_torch.py, torch_matmul.py, or jvit's {@code bench serve-*}),
     * {@code KEYWORD key=value key=value}, checked to start with the expected keyword; an {@code error ...} reply
     * or any other line fails with the line in the message. who names the process in the messages.
     */
    public static Map<String, String> parseReply(String line, String keyword, String who) {
        if (line == null) throw new IllegalStateException("the " + who + " process ended before replying '" + keyword + "'");
        String[] words = line.strip().split("\\s+");
        if (!words[0].equals(keyword)) {
            throw new IllegalStateException("the " + who + " process replied '" + line.strip() + "', expected '" + keyword + " ...'");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : Arrays.copyOfRange(words, 1, words.length)) {
            int eq = w.indexOf('=');
            if (eq <= 0) throw new IllegalStateException("malformed field '" + w + "' in the " + who + " reply '" + line.strip() + "'");
            out.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return out;
    }

    /** The median of some samples (the mean of the middle two for an even count). */
    public static double median(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("median of no samples");
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
