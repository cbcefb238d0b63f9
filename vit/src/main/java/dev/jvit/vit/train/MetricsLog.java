package dev.jvit.vit.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.csv}: one row per epoch. The whole file is rewritten atomically after each epoch, and a
 * resumed run reads the rows it already has so the curves continue where they stopped.
 */
public final class MetricsLog {
    private final Path file;
    private final List<EpochMetrics> rows = new ArrayList<>();

    public MetricsLog(Path file) {
        this.file = file;
    }

    /** Reads the rows of an earlier run up to (and including) lastEpoch. */
    public void loadExisting(int lastEpoch) throws IOException {
        rows.clear();
        if (!Files.exists(file)) return;
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (line.isBlank()) continue;
            EpochMetrics m = EpochMetrics.parse(line);
            if (m.epoch() <= lastEpoch) rows.add(m);
        }
    }

    public void append(EpochMetrics m) throws IOException {
        rows.add(m);
        StringBuilder sb = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics r : rows) sb.append(r.csvRow()).append('\n');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public List<EpochMetrics> rows() {
        return List.copyOf(rows);
    }
}
