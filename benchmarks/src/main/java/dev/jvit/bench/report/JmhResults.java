package dev.jvit.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows of a JMH JSON result file ({@code bench jmh -o FILE}) that the report shows. */
public final class JmhResults {
    private JmhResults() {}

    /**
     * One benchmark and parameter combination: its score with JMH's error (99.9% interval half-width) and
     * unit, and the secondary results (e.g. {@code images} per second of a training step).
     */
    public record Row(String benchmark, Map<String, String> params, double score, double error, String unit,
                      Map<String, Double> secondary) {
        /** "TrainStepBenchmark.step" from the fully qualified name. */
        public String shortName() {
            String[] parts = benchmark.split("\\.");
            return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
        }
    }

    public static List<Row> read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (!root.isArray()) throw new IOException(json + " is not a JMH JSON result file (expected an array)");
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : root) {
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode p = r.path("params");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                var e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode primary = r.path("primaryMetric");
            Map<String, Double> secondary = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("secondaryMetrics").fields(); it.hasNext(); ) {
                var e = it.next();
                secondary.put(e.getKey(), e.getValue().path("score").asDouble());
            }
            rows.add(new Row(r.path("benchmark").asText(), params, primary.path("score").asDouble(),
                    primary.path("scoreError").asDouble(Double.NaN), primary.path("scoreUnit").asText(), secondary));
        }
        return rows;
    }
}
