package dev.jvit.vit.viz;

/**
 * The viridis colormap (van der Walt and Smith, matplotlib's default; public domain): perceptually uniform,
 * readable in grey and by colour-blind readers, so a brighter colour always means a larger value. The table
 * holds every fourth of matplotlib's 256 entries plus the last one; colours in between are interpolated.
 */
public final class Viridis {
    private static final int[] TABLE = {
            0x440154, 0x45065a, 0x460c5f, 0x471265, 0x47186a, 0x481d6f, 0x482273, 0x472777,
            0x472c7b, 0x46317e, 0x453681, 0x433b83, 0x424085, 0x404487, 0x3e4989, 0x3c4d8a,
            0x3a528b, 0x38568b, 0x365a8c, 0x345e8d, 0x32628d, 0x31668d, 0x2f6a8d, 0x2d6e8e,
            0x2c728e, 0x2a768e, 0x287a8e, 0x277d8e, 0x26818e, 0x24858d, 0x23898d, 0x218c8d,
            0x20908c, 0x1f948b, 0x1e988a, 0x1e9b89, 0x1e9f88, 0x1fa386, 0x21a784, 0x24aa82,
            0x28ae7f, 0x2cb17d, 0x32b57a, 0x38b976, 0x3ebc73, 0x45bf6f, 0x4dc26b, 0x55c666,
            0x5ec961, 0x67cc5c, 0x70ce56, 0x79d151, 0x83d34b, 0x8dd644, 0x97d83e, 0xa2da37,
            0xaddc30, 0xb7dd29, 0xc2df22, 0xcde01d, 0xd7e219, 0xe1e318, 0xece41a, 0xf6e61f,
            0xfde725,
    };

    private Viridis() {}

    /** The colour of t in [0, 1] as 0xRRGGBB; values outside are clamped, NaN is drawn as grey. */
    public static int rgb(double t) {
        if (Double.isNaN(t)) return 0x808080;
        double x = Math.max(0, Math.min(1, t)) * (TABLE.length - 1);
        int i = Math.min((int) x, TABLE.length - 2);
        double f = x - i;
        int a = TABLE[i], b = TABLE[i + 1];
        return mix(a >> 16 & 0xff, b >> 16 & 0xff, f) << 16 | mix(a >> 8 & 0xff, b >> 8 & 0xff, f) << 8
                | mix(a & 0xff, b & 0xff, f);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
