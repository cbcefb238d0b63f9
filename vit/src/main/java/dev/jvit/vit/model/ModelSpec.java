package dev.jvit.vit.model;

import dev.jvit.core.Generator;

import java.util.Map;

/**
 * One named model preset: what it takes as input, how to build it, and how to describe it to the PyTorch twin
 * in {@code reference/vit_torch.py} (so {@code jvit bench compare} times the same model on both sides).
 * {@link Models} keeps the registry of all of them.
 */
public interface ModelSpec {
    /** The preset name used by {@code --config}. */
    String name();

    /** Input channels. */
    int channels();

    /** Input height = width. */
    int imageSize();

    /** Builds the model for numClasses classes, initialised from g. */
    Models.Built create(int numClasses, Generator g);

    /**
     * The preset as reference/vit_torch.py reads it (serialised to JSON): always "name" and "family" (vit,
     * hybrid-mnist, or the NAME of a reference/zoo_NAME.py module), plus whatever fields that family's
     * builder needs.
     */
    Map<String, Object> referenceConfig(int numClasses);

    /**
     * This preset with another stochastic-depth rate (the last block's; earlier blocks get linearly less, timm's
     * drop_path_rate), for {@code jvit train --drop-path}. Presets without DropPath layers say so.
     */
    default ModelSpec withDropPath(float rate) {
        throw new IllegalArgumentException(name() + " has no stochastic depth (DropPath) layers, so --drop-path does not apply");
    }
}
