package dev.jvit.nn.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Module;
import dev.jvit.nn.optim.Optimizer;
import dev.jvit.nn.optim.OptimizerState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saves and restores a training run: the model's state dict and the optimizer's state as two safetensors
 * files, and the progress (epoch, step, random generator states, best metric) as a small JSON file that
 * names the other two. For {@code runs/vit/last.json} the files are
 * <pre>
 *   runs/vit/last.json                         progress, and the names of the two below
 *   runs/vit/last.model-000007.safetensors     model state dict (loads in PyTorch as is)
 *   runs/vit/last.optim-000007.safetensors     optimizer buffers; step counts, hyper-parameters in __metadata__
 * </pre>
 * Why three files and a generation number: each file is written to a temporary name and atomically
 * renamed, but three renames are not one. So each save writes its tensor files under a new generation
 * number and commits by replacing the JSON last; a crash at any moment leaves the JSON pointing at a
 * complete set, the old one or the new one. Files of older generations are deleted after the commit.
 *
 * <p>Loading checks everything before changing anything: model keys and shapes (missing, unexpected and
 * mis-shaped keys are listed together), then the optimizer's kind, hyper-parameters, groups and buffers.
 * Resuming continues exactly: the same steps after a save and load give bitwise the same parameters.
 */
public final class Checkpoint {
    static final String FORMAT = "jvit-checkpoint";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    /**
     * Where a run stands: epochs and optimizer steps completed, the best validation metric so far (NaN when
     * none yet) and the states of the run's named random generators (data order, dropout, ...).
     */
    public record Progress(long epoch, long step, double bestMetric, Map<String, Long> rngStates) {
        public Progress {
            if (epoch < 0 || step < 0) throw new IllegalArgumentException("epoch and step must be >= 0, got " + epoch + ", " + step);
            rngStates = Collections.unmodifiableMap(new TreeMap<>(rngStates));
        }

        /** Captures the current state of each named generator. */
        public static Progress of(long epoch, long step, double bestMetric, Map<String, Generator> generators) {
            Map<String, Long> states = new TreeMap<>();
            generators.forEach((name, g) -> states.put(name, g.state()));
            return new Progress(epoch, step, bestMetric, states);
        }

        /** Puts the saved state back into the generator of that name. */
        public void restore(String name, Generator generator) {
            Long s = rngStates.get(name);
            if (s == null) {
                throw new IllegalArgumentException("the checkpoint has no random generator '" + name + "'; it has "
                        + rngStates.keySet());
            }
            generator.setState(s);
        }
    }

    // ---- saving ------------------------------------------------------------------------------------

    /** Saves model, optimizer (may be null for weights only) and progress, replacing any earlier checkpoint there. */
    public static void save(Path file, Module model, Optimizer optimizer, Progress progress) throws IOException {
        save(file, model, optimizer, progress, Map.of());
    }

    /**
     * As {@link #save(Path, Module, Optimizer, Progress)}, plus named extra tensor sets that belong to the same
     * moment of the run (e.g. "ema": the averaged weights), each written as {@code last.NAME-GEN.safetensors}
     * in the same generation, so they commit with the rest; read them back with {@link #loadExtra}.
     * Names are lower-case letters other than "model" and "optim".
     */
    public static void save(Path file, Module model, Optimizer optimizer, Progress progress,
                            Map<String, Map<String, NDArray>> extras) throws IOException {
        for (String name : extras.keySet()) {
            if (!name.matches("[a-z]+") || name.equals("model") || name.equals("optim")) {
                throw new IllegalArgumentException("checkpoint extra '" + name + "': use lower-case letters, not model or optim");
            }
        }
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        String stem = stem(target);
        long generation = previousGeneration(target) + 1;
        String modelName = String.format(Locale.ROOT, "%s.model-%06d.safetensors", stem, generation);
        String optimName = String.format(Locale.ROOT, "%s.optim-%06d.safetensors", stem, generation);

        Map<String, String> modelMeta = new LinkedHashMap<>();
        modelMeta.put("format", "pt"); // what PyTorch tools expect of a state dict file
        modelMeta.put("step", Long.toString(progress.step()));
        SafeTensors.write(dir.resolve(modelName), model.stateDict(), modelMeta);
        if (optimizer != null) {
            OptimizerState os = optimizer.stateDict();
            SafeTensors.write(dir.resolve(optimName), os.tensors(), os.metadata());
        }
        Map<String, String> extraNames = new TreeMap<>();
        for (var e : extras.entrySet()) {
            String name = String.format(Locale.ROOT, "%s.%s-%06d.safetensors", stem, e.getKey(), generation);
            SafeTensors.write(dir.resolve(name), e.getValue(), Map.of("step", Long.toString(progress.step())));
            extraNames.put(e.getKey(), name);
        }

        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("generation", generation);
        root.put("model", modelName);
        if (optimizer != null) root.put("optimizer", optimName);
        else root.putNull("optimizer");
        root.put("epoch", progress.epoch());
        root.put("step", progress.step());
        double best = progress.bestMetric();
        // JSON has no NaN or infinities: those are written as strings
        if (Double.isFinite(best)) root.put("best_metric", best);
        else root.put("best_metric", Double.toString(best));
        ObjectNode rng = root.putObject("rng");
        progress.rngStates().forEach(rng::put);
        if (!extraNames.isEmpty()) {
            ObjectNode ex = root.putObject("extras");
            extraNames.forEach(ex::put);
        }
        writeAtomically(target, JSON.writeValueAsBytes(root));
        syncDirectory(dir);
        java.util.Set<String> keep = new java.util.HashSet<>(extraNames.values());
        keep.add(modelName);
        if (optimizer != null) keep.add(optimName);
        deleteOtherGenerations(dir, stem, keep);
    }

    /** "last" for last.json; the whole name when it does not end in .json. */
    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") && name.length() > 5 ? name.substring(0, name.length() - 5) : name;
    }

    private static long previousGeneration(Path file) {
        if (!Files.exists(file)) return 0;
        try {
            return JSON.readTree(file.toFile()).path("generation").asLong(0);
        } catch (IOException unreadable) {
            // a damaged progress file cannot point at anything; start over (its orphans are deleted below)
            return 0;
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Makes the renames durable before old files go (Linux allows fsync on a directory; elsewhere skip). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // best effort: the rename itself is already atomic
        }
    }

    /** Deletes this checkpoint's tensor files of other generations, including orphans of a crashed save. */
    private static void deleteOtherGenerations(Path dir, String stem, java.util.Set<String> keep) throws IOException {
        // filtered by hand rather than by glob: the stem may contain glob characters
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (keep.contains(n) || !n.endsWith(".safetensors") || !n.startsWith(stem + ".")) continue;
                // STEM.KIND-NNNNNN.safetensors, KIND being model, optim or an extra's name
                String rest = n.substring(stem.length() + 1);
                int dash = rest.indexOf('-');
                if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(c -> c >= 'a' && c <= 'z')) continue;
                rest = rest.substring(dash + 1);
                String number = rest.substring(0, rest.length() - ".safetensors".length());
                if (!number.isEmpty() && number.chars().allMatch(c -> c >= '0' && c <= '9')) Files.deleteIfExists(f);
            }
        }
    }

    // ---- loading -----------------------------------------------------------------------------------

    /**
     * Loads a checkpoint into model and optimizer (null to load the weights only) and returns the progress;
     * restore generators with {@link Progress#restore}. Nothing is changed when anything does not fit.
     */
    public static Progress load(Path file, Module model, Optimizer optimizer) throws IOException {
        Path target = file.toAbsolutePath();
        if (!Files.exists(target)) throw new NoSuchFileException(target.toString(), null, "no checkpoint here");
        JsonNode root;
        try {
            root = JSON.readTree(target.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(target + ": not a readable checkpoint file: " + e.getOriginalMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IOException(target + ": not a jvit checkpoint (no \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IOException(target + ": checkpoint version " + root.path("version") + ", this jvit reads " + VERSION);
        }
        Path dir = target.getParent();
        Path modelFile = dir.resolve(requireText(root, "model", target));
        Map<String, NDArray> modelState = SafeTensors.load(modelFile);

        OptimizerState optimState = null;
        if (optimizer != null) {
            JsonNode o = root.path("optimizer");
            if (!o.isTextual()) {
                throw new IllegalArgumentException(target + " holds no optimizer state (it was saved for weights only); "
                        + "load it with a null optimizer");
            }
            SafeTensors.Contents c = SafeTensors.read(dir.resolve(o.asText()));
            optimState = new OptimizerState(c.tensors(), c.metadata());
            try {
                optimizer.check(optimState);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c.source() + ": " + e.getMessage(), e);
            }
        }
        try {
            model.loadStateDict(modelState, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
        if (optimizer != null) optimizer.loadStateDict(optimState);
        return readProgress(root, target);
    }

    /**
     * The extra tensor set saved under name with the checkpoint (see {@link #save(Path, Module, Optimizer,
     * Progress, Map)}), or null when the checkpoint has none of that name.
     */
    public static Map<String, NDArray> loadExtra(Path file, String name) throws IOException {
        Path target = file.toAbsolutePath();
        if (!Files.exists(target)) throw new NoSuchFileException(target.toString(), null, "no checkpoint here");
        JsonNode root;
        try {
            root = JSON.readTree(target.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(target + ": not a readable checkpoint file: " + e.getOriginalMessage(), e);
        }
        JsonNode n = root.path("extras").path(name);
        if (n.isMissingNode()) return null;
        String f = n.asText("");
        if (!n.isTextual() || f.isEmpty() || f.contains("/") || f.contains("\\")) {
            throw new IOException(target + ": extra \"" + name + "\" must name a file beside it, got " + n);
        }
        return SafeTensors.load(target.getParent().resolve(f));
    }

    private static String requireText(JsonNode root, String field, Path file) throws IOException {
        JsonNode n = root.path(field);
        if (!n.isTextual() || n.asText().isEmpty() || n.asText().contains("/") || n.asText().contains("\\")) {
            throw new IOException(file + ": \"" + field + "\" must name a file beside it, got " + n);
        }
        return n.asText();
    }

    private static Progress readProgress(JsonNode root, Path file) throws IOException {
        JsonNode best = root.path("best_metric");
        double bestMetric;
        if (best.isNumber()) bestMetric = best.asDouble();
        else if (best.isTextual()) {
            try {
                bestMetric = Double.parseDouble(best.asText());
            } catch (NumberFormatException e) {
                throw new IOException(file + ": \"best_metric\" is not a number: " + best);
            }
        } else bestMetric = Double.NaN;
        Map<String, Long> rng = new TreeMap<>();
        for (var e : root.path("rng").properties()) {
            if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber()) {
                throw new IOException(file + ": random generator state '" + e.getKey() + "' is not a 64-bit integer");
            }
            rng.put(e.getKey(), e.getValue().asLong());
        }
        if (!root.path("epoch").isIntegralNumber() || !root.path("step").isIntegralNumber()) {
            throw new IOException(file + ": \"epoch\" and \"step\" must be integers");
        }
        return new Progress(root.path("epoch").asLong(), root.path("step").asLong(), bestMetric, rng);
    }
}
