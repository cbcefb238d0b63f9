package dev.jvit.vit.data;

import java.nio.file.Path;

/** Where datasets are kept between runs: {@code $JVIT_CACHE}, else {@code ~/.cache/jvit}. */
public final class DataCache {
    private DataCache() {}

    public static Path defaultRoot() {
        String env = System.getenv("JVIT_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "jvit");
    }
}
