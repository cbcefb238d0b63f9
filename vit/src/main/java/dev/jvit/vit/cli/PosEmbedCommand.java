package dev.jvit.vit.cli;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.nn.io.SafeTensors;
import dev.jvit.vit.model.PositionEmbedding;
import dev.jvit.vit.model.ViTConfig;
import dev.jvit.vit.model.VisionTransformer;
import dev.jvit.vit.viz.PosEmbedFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jvit pos-embed}: a ViT's position embedding as a picture. Fixed sin-cos tables come from the config
 * alone; a learned table comes from a trained run (--checkpoint RUN) or a timm-named state dict
 * (--checkpoint weights.safetensors).
 */
@Command(name = "pos-embed", mixinStandardHelpOptions = true,
        description = "Draw a ViT's position embedding (tokens x dim) and the cosine similarity between patch positions.")
final class PosEmbedCommand implements Callable<Integer> {

    @Option(names = "--config", description = "ViT preset or .json config (default with --checkpoint RUN: the run's model).")
    String config;

    @Option(names = "--checkpoint", description = "Run folder, its last.json, or a .safetensors state dict: where a learned table comes from.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "PNG to write.")
    Path out;

    /** A position table (tokens, dim) and the config it belongs to. */
    record Table(ViTConfig config, NDArray values, String origin) {}

    @Override
    public Integer call() throws IOException {
        Table t = table(config, checkpoint);
        ViTConfig c = t.config();
        int tokens = c.tokens(), dim = c.dim();
        String title = String.format(Locale.ROOT, "%s: %s position embedding (%s), %dx%d patch grid",
                c.name(), c.posEmbed().name().toLowerCase(Locale.ROOT), t.origin(), c.gridSize(), c.gridSize());
        PosEmbedFigure.write(out, title, t.values().toFloatArray(), tokens, dim, c.gridSize(), c.classToken() ? 1 : 0);
        System.out.printf(Locale.ROOT, "%s position embedding %s of %s: wrote %s%n",
                c.posEmbed().name().toLowerCase(Locale.ROOT), Shape.str(t.values().shape()), c.name(), out);
        return 0;
    }

    static Table table(String config, Path checkpoint) throws IOException {
        if (checkpoint != null && !checkpoint.toString().endsWith(".safetensors")) {
            CheckpointModel cm = CheckpointModel.load(checkpoint);
            if (!(cm.model().module() instanceof VisionTransformer vit)) {
                throw new IllegalArgumentException(cm.info().model() + " (" + cm.checkpoint() + ") is not a Vision "
                        + "Transformer and has no position embedding");
            }
            if (config != null && !config.equals(cm.info().model())) {
                throw new IllegalArgumentException("--config " + config + " does not match the checkpoint, a "
                        + cm.info().model() + " run; leave --config out");
            }
            return new Table(vit.config(), posEmbed(vit), cm.checkpoint().toString());
        }
        if (config == null) throw new IllegalArgumentException("pass --config (a ViT preset or .json file), or --checkpoint with a run");
        ViTConfig c = ConfigSource.resolve(config);
        if (c.posEmbed() == PositionEmbedding.NONE) throw new IllegalArgumentException(c.name() + " has no position embedding");
        if (checkpoint != null) {
            if (!Files.exists(checkpoint)) throw new NoSuchFileException(checkpoint.toString(), null, "weights file not found");
            NDArray pe = SafeTensors.read(checkpoint).get("pos_embed");
            int[] want = {1, c.tokens(), c.dim()};
            if (!java.util.Arrays.equals(pe.shape(), want)) {
                throw new IllegalArgumentException(checkpoint + ": pos_embed has shape " + Shape.str(pe.shape())
                        + " but " + c.name() + " needs " + Shape.str(want));
            }
            return new Table(c, pe.reshape(c.tokens(), c.dim()), checkpoint.toString());
        }
        if (c.posEmbed() == PositionEmbedding.LEARNED) {
            throw new IllegalArgumentException(c.name() + " learns its position embedding: pass --checkpoint with a "
                    + "trained run or a .safetensors state dict");
        }
        // the fixed table exactly as the model builds it (class token row included)
        return new Table(c, posEmbed(new VisionTransformer(c, new Generator(0))), "fixed");
    }

    private static NDArray posEmbed(VisionTransformer vit) {
        NDArray pe = vit.stateDict().get("pos_embed");
        if (pe == null) throw new IllegalArgumentException(vit.config().name() + " has no position embedding");
        return pe.reshape(vit.config().tokens(), vit.config().dim());
    }
}
