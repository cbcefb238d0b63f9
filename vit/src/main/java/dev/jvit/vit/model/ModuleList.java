package dev.jvit.vit.model;

import dev.jvit.nn.Module;

/** PyTorch's {@code nn.ModuleList}: sub-modules named "0", "1", ... so parameters read {@code blocks.3.norm1.weight}. */
final class ModuleList extends Module {
    <M extends Module> M add(M m) {
        return registerModule(Integer.toString(children().size()), m);
    }
}
