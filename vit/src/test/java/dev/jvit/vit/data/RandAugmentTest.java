package dev.jvit.vit.data;

import dev.jvit.core.Generator;
import dev.jvit.vit.data.RandAugment.Op;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Each RandAugment operation on a tiny image against values worked out by hand, and the policy's randomness. */
class RandAugmentTest {
    private static final float EPS = 1e-5f;

    /** 3×3 grey image 0.1 … 0.9, row-major. */
    private static float[] ramp() {
        return new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
    }

    private static float[] run(Op op, float level, float[] img, int c, int h, int w) {
        float[] x = img.clone();
        RandAugment.apply(op, level, x, c, h, w);
        return x;
    }

    @Test
    void identityAndMagnitudeZeroChangeNothing() {
        float[] img = ramp();
        assertArrayEquals(img, run(Op.IDENTITY, 1f, img, 1, 3, 3));
        for (Op op : Op.values()) {
            if (op == Op.AUTO_CONTRAST || op == Op.EQUALIZE) continue; // no magnitude
            assertArrayEquals(img, run(op, 0f, img, 1, 3, 3), EPS, op + " at magnitude 0");
        }
    }

    @Test
    void autoContrastStretchesToFullRange() {
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, run(Op.AUTO_CONTRAST, 0, new float[] {0.2f, 0.4f, 0.6f}, 1, 1, 3), EPS);
        float[] flat = {0.3f, 0.3f};
        assertArrayEquals(flat, run(Op.AUTO_CONTRAST, 0, flat, 1, 1, 2), "a flat channel stays");
    }

    @Test
    void equalizeFollowsPilsLookupTable() {
        // 256 pixels: 128 at 0, 127 at 100/255, 1 at 200/255. step = (256 - 1) / 255 = 1; the table maps
        // 0 → 0, 1..100 → 128 (pixels below), 101..200 → 255
        float[] img = new float[256];
        for (int i = 128; i < 255; i++) img[i] = 100 / 255f;
        img[255] = 200 / 255f;
        float[] out = run(Op.EQUALIZE, 0, img, 1, 16, 16);
        assertEquals(0f, out[0], EPS);
        assertEquals(128 / 255f, out[200], EPS);
        assertEquals(1f, out[255], EPS);
        // a 3×3 image has step (9 - 1) / 255 = 0: PIL leaves it alone
        assertArrayEquals(ramp(), run(Op.EQUALIZE, 0, ramp(), 1, 3, 3), EPS);
    }

    @Test
    void rotateTurnsCounterClockwise() {
        float[] out = ramp();
        RandAugment.rotate(out, 1, 3, 3, 90f);
        assertArrayEquals(new float[] {0.3f, 0.6f, 0.9f, 0.2f, 0.5f, 0.8f, 0.1f, 0.4f, 0.7f}, out, EPS);
        // the op itself: level 1 is 30°; the centre pixel of an odd image stays where it is
        assertEquals(0.5f, run(Op.ROTATE, 1f, ramp(), 1, 3, 3)[4], EPS);
    }

    @Test
    void shearsSampleBilinearly() {
        // shear x by 0.3: row y reads from x + 0.3 (y + 0.5), zero beyond the edge
        assertArrayEquals(new float[] {0.115f, 0.215f, 0.255f, 0.445f, 0.545f, 0.33f, 0.775f, 0.875f, 0.225f},
                run(Op.SHEAR_X, 1f, ramp(), 1, 3, 3), EPS);
        // shear y by -0.3: column x reads from y - 0.3 (x + 0.5)
        assertArrayEquals(new float[] {0.085f, 0.11f, 0.075f, 0.355f, 0.365f, 0.375f, 0.655f, 0.665f, 0.675f},
                run(Op.SHEAR_Y, -1f, ramp(), 1, 3, 3), EPS);
    }

    @Test
    void translatesMoveByAFractionOfTheSide() {
        // level 1 on width 4: 0.45 · 4 = 1.8 pixels right; out(x) = 0.8 in(x - 2) + 0.2 in(x - 1)
        assertArrayEquals(new float[] {0f, 0.02f, 0.12f, 0.22f},
                run(Op.TRANSLATE_X, 1f, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1, 1, 4), EPS);
        // level -0.5 on height 4: 0.9 pixels up; out(y) = 0.1 in(y) + 0.9 in(y + 1)
        assertArrayEquals(new float[] {0.19f, 0.29f, 0.39f, 0.04f},
                run(Op.TRANSLATE_Y, -0.5f, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1, 4, 1), EPS);
    }

    @Test
    void photometricOps() {
        // brightness factor 1.45, clipped
        assertArrayEquals(new float[] {0.29f, 1f}, run(Op.BRIGHTNESS, 0.5f, new float[] {0.2f, 0.8f}, 1, 1, 2), EPS);
        // contrast factor 0.55 about the mean 0.55
        assertArrayEquals(new float[] {0.3575f, 0.4675f, 0.5775f, 0.7975f},
                run(Op.CONTRAST, -0.5f, new float[] {0.2f, 0.4f, 0.6f, 1f}, 1, 2, 2), EPS);
        // colour factor 0.1 on one RGB pixel (grey 0.2783); the identity on grey images
        assertArrayEquals(new float[] {0.30047f, 0.27047f, 0.26047f},
                run(Op.COLOR, -1f, new float[] {0.5f, 0.2f, 0.1f}, 3, 1, 1), EPS);
        assertArrayEquals(ramp(), run(Op.COLOR, -1f, ramp(), 1, 3, 3));
        // sharpness factor 0.1: the centre blends with (1 + 4) / 13, the border stays
        float[] dot = new float[9];
        dot[4] = 1f;
        float[] s = run(Op.SHARPNESS, -1f, dot, 1, 3, 3);
        assertEquals(5f / 13 + 0.1f * (1 - 5f / 13), s[4], EPS);
        assertEquals(0f, s[0]);
        // posterize: level 1 keeps 4 bits (0.5 → 128, 0.3 → 77 → 64, 1 → 240), level 0.5 keeps 6 (77 → 76)
        assertArrayEquals(new float[] {128 / 255f, 64 / 255f, 240 / 255f},
                run(Op.POSTERIZE, 1f, new float[] {0.5f, 0.3f, 1f}, 1, 1, 3), EPS);
        assertArrayEquals(new float[] {76 / 255f}, run(Op.POSTERIZE, -0.5f, new float[] {0.3f}, 1, 1, 1), EPS);
        // solarize level 0.6: values above 0.4 are inverted
        assertArrayEquals(new float[] {0.2f, 0.35f, 0.3f}, run(Op.SOLARIZE, 0.6f, new float[] {0.2f, 0.35f, 0.7f}, 1, 1, 3), EPS);
    }

    @Test
    void policyIsIdentityForNZeroAndDeterministicForASeed() {
        Normalization norm = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
        float[] img = new float[28 * 28];
        Generator r = new Generator(5);
        for (int i = 0; i < img.length; i++) img[i] = (r.nextFloat() - 0.1307f) / 0.3081f;

        float[] none = img.clone();
        new RandAugment(0, 9, norm).apply(none, 1, 28, 28, new Generator(1));
        assertArrayEquals(img, none, "N = 0 leaves the image alone");

        RandAugment ra = new RandAugment(2, 9, norm);
        float[] a = img.clone(), b = img.clone(), c = img.clone();
        ra.apply(a, 1, 28, 28, new Generator(11));
        ra.apply(b, 1, 28, 28, new Generator(11));
        assertArrayEquals(a, b, "same generator state, same result");
        boolean anyDiffers = false;
        for (long seed = 12; seed < 20 && !anyDiffers; seed++) {
            c = img.clone();
            ra.apply(c, 1, 28, 28, new Generator(seed));
            anyDiffers = !Arrays.equals(a, c);
        }
        assertTrue(anyDiffers, "other seeds pick other ops");
    }

    @Test
    void parsesAndValidatesTheOption() {
        assertArrayEquals(new int[] {2, 9}, RandAugment.parse("2,9"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RandAugment.parse("2")).getMessage().contains("N,M"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RandAugment.parse("2,11")).getMessage().contains("0..10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RandAugment.parse("-1,5")).getMessage().contains(">= 0"));
    }
}
