package dev.jvit.vit.model;

/** How a ViT tells patches apart by position. */
public enum PositionEmbedding {
    /** Fixed 1D sine/cosine over the token index (Vaswani et al.): the course's exercise. */
    SINCOS1D,
    /** Fixed sine/cosine with separate row and column halves over the patch grid (MAE, MoCo v3). */
    SINCOS2D,
    /** A trained (tokens, dim) table initialised with a truncated normal (timm's default). */
    LEARNED,
    /** No position information at all. */
    NONE;

    public static PositionEmbedding parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown position embedding '" + s
                    + "' (expected sincos1d, sincos2d, learned or none)");
        }
    }
}
