package dev.jvit.vit.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jvit.vit.model.Models;
import dev.jvit.vit.model.ViTConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What {@code --config} names for the commands that build a bare ViT ({@code infer}, {@code pos-embed}): a
 * preset of {@link ViTConfig}, or a JSON file holding every field of a {@link ViTConfig} record (e.g. the small
 * model of {@code reference/golden_vit.py}, or a timm model that has no preset).
 */
final class ConfigSource {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            // a field left out would silently become 0 or false; make it an error that names the field
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ConfigSource() {}

    static ViTConfig resolve(String nameOrFile) throws IOException {
        if (ViTConfig.presetNames().contains(nameOrFile)) return ViTConfig.preset(nameOrFile);
        if (nameOrFile.equals(Models.HYBRID_MNIST)) {
            throw new IllegalArgumentException(Models.HYBRID_MNIST + " is not a Vision Transformer (no patches, "
                    + "class token or position embedding); pick a ViT preset: " + String.join(", ", ViTConfig.presetNames()));
        }
        if (!nameOrFile.endsWith(".json")) {
            throw new IllegalArgumentException("unknown config '" + nameOrFile + "' (known presets: "
                    + String.join(", ", ViTConfig.presetNames()) + "; or a .json file of ViTConfig fields)");
        }
        Path file = Path.of(nameOrFile);
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "config file not found");
        try {
            return JSON.readValue(file.toFile(), ViTConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // ViTConfig's own checks (a patch size that does not divide the image, ...) arrive wrapped
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException(file + ": " + why, e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not a valid ViT config: " + e.getOriginalMessage(), e);
        }
    }
}
