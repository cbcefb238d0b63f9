package dev.jvit.vit.train;

import dev.jvit.core.Generator;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.DropPath;
import dev.jvit.nn.layers.Dropout;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the random generators inside a model (one per dropout and drop-path layer), by dotted module path,
 * so a checkpoint can save their states and a resumed run draws the same masks it would have drawn.
 */
final class RandomStates {
    private RandomStates() {}

    static Map<String, Generator> collect(Module model) {
        Map<String, Generator> out = new LinkedHashMap<>();
        walk("", model, out);
        return out;
    }

    private static void walk(String path, Module m, Map<String, Generator> out) {
        if (m instanceof Dropout d) out.put("dropout:" + path, d.generator());
        if (m instanceof DropPath d) out.put("droppath:" + path, d.generator());
        for (var e : m.children().entrySet()) walk(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
    }
}
